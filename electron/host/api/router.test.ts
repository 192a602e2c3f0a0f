// The router as the one place where a request's failure stays that request's: whatever a handler
// throws (an Error, a string, undefined, an object whose getters throw) or returns as a rejected
// promise becomes an ApiError for that caller, logged with the request; the next request is
// answered as if nothing happened. Streams likewise, and an event the transport cannot send.
import { describe, expect, it } from 'vitest';
import { createRouter, describeRequest, holdsNul, type ApiHandlers } from './router';
import { ApiError } from '../../../shared/api/errors';

const caller = { actor: 'nurse-test' };

/** Throws `value` itself: not every throw in JavaScript is an Error. */
function raise(value: unknown): never {
  throw value;
}

const hostile = {
  get message(): string {
    throw new Error('even reading this fails');
  },
  toString(): string {
    throw new Error('and so does printing it');
  },
};

function routerWith(getStatus: () => unknown, log: Array<[string, unknown]> = []) {
  return createRouter(
    {
      requests: {
        getStatus,
        acknowledgeAlarm: () => null,
      } as unknown as ApiHandlers['requests'],
      streams: {
        bedLive: ({ bedId }: { bedId: string }, emit: (event: unknown) => void) => {
          if (bedId === 'throws') raise(new TypeError('bed state is broken'));
          if (bedId === 'refused') throw new ApiError('not_found', 'No such bed.');
          emit({ type: 'device' } as never);
          emit({ type: 'device' } as never);
          return () => {};
        },
      } as unknown as ApiHandlers['streams'],
    },
    (message, error) => log.push([message, error]),
  );
}

describe('api router: one request fails alone', () => {
  const throws: Array<[string, () => unknown]> = [
    ['an Error', () => raise(new RangeError('index out of range'))],
    ['a string', () => raise('not an error at all')],
    ['undefined', () => raise(undefined)],
    ['an object whose getters throw', () => raise(hostile)],
    ['a rejected promise', () => Promise.reject(new Error('store went away'))],
    ['a promise rejected with null', () => Promise.reject(null)],
  ];

  for (const [what, handler] of throws) {
    it(`answers "internal" when a handler throws ${what}, logs it with the request, and carries on`, async () => {
      const log: Array<[string, unknown]> = [];
      const router = routerWith(handler, log);
      const failed = router.request('getStatus', {}, caller);
      await expect(failed).rejects.toBeInstanceOf(ApiError);
      await expect(failed).rejects.toMatchObject({
        code: 'internal',
        message: 'The workstation could not complete "getStatus". Details are in its log.',
      });
      expect(log).toHaveLength(1);
      expect(log[0]![0]).toBe('api: getStatus failed (params: {}, by nurse-test)');
      await expect(
        router.request('acknowledgeAlarm', { bedId: 'b', alarmId: 'a' }, caller),
      ).resolves.toBeNull();
    });
  }

  it('passes an ApiError through as it is, unlogged', async () => {
    const log: Array<[string, unknown]> = [];
    const router = routerWith(() => raise(new ApiError('not_found', 'No bed.')), log);
    await expect(router.request('getStatus', {}, caller)).rejects.toMatchObject({
      code: 'not_found',
      message: 'No bed.',
    });
    expect(log).toEqual([]);
  });

  it('refuses unknown requests and invalid params before any handler runs', async () => {
    let ran = 0;
    const router = routerWith(() => ran++);
    await expect(router.request('toString', {}, caller)).rejects.toMatchObject({
      code: 'unknown_method',
    });
    await expect(router.request('__proto__', {}, caller)).rejects.toMatchObject({
      code: 'unknown_method',
    });
    await expect(router.request('getStatus', { extra: 1 }, caller)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(ran).toBe(0);
  });

  it('turns a stream handler that throws into "internal", logged; an ApiError stays as it is', () => {
    const log: Array<[string, unknown]> = [];
    const router = routerWith(() => ({}), log);
    expect(() => router.subscribe('bedLive', { bedId: 'throws' }, () => {})).toThrow(
      expect.objectContaining({ code: 'internal' }),
    );
    expect(log.map(([message]) => message)).toEqual([
      'api: bedLive subscription failed (params: {"bedId":"throws"})',
    ]);
    expect(() => router.subscribe('bedLive', { bedId: 'refused' }, () => {})).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('keeps a stream whose events the transport cannot send from failing its source, and says so once', () => {
    const log: Array<[string, unknown]> = [];
    const router = routerWith(() => ({}), log);
    const stop = router.subscribe('bedLive', { bedId: 'bed-1' }, () => {
      throw new TypeError('Do not know how to serialize a BigInt');
    });
    expect(typeof stop).toBe('function');
    expect(log.map(([message]) => message)).toEqual([
      'api: bedLive event not sent (params: {"bedId":"bed-1"})',
    ]);
  });
});

describe('text the store cannot keep', () => {
  it('refuses U+0000 anywhere in a request or a subscription, before any handler runs', async () => {
    let ran = 0;
    const router = routerWith(() => ran++);
    for (const params of [
      { bedId: 'b', alarmId: 'a\u0000' },
      { bedId: 'b', alarmId: 'a', extra: [{ deep: ['\u0000'] }] },
      { bedId: 'b', alarmId: 'a', ['k\u0000']: 1 },
    ]) {
      await expect(router.request('acknowledgeAlarm', params, caller)).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringMatching(/U\+0000/),
      });
    }
    expect(() => router.subscribe('bedLive', { bedId: 'bed\u0000' }, () => {})).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(ran).toBe(0);
  });

  it('walks a deeply nested message without running out of stack', () => {
    let nested: unknown = 'end\u0000';
    for (let i = 0; i < 200_000; i++) nested = [nested];
    expect(holdsNul(nested)).toBe(true);
    expect(holdsNul({ a: [1, 'x', { b: null }] })).toBe(false);
    expect(holdsNul(new Array(5_000_000).fill(0))).toBe(false);
  });
});

describe('describeRequest', () => {
  it('names the request without flooding the log or throwing', () => {
    expect(describeRequest({ bedId: 'bed-1', fromMs: 5 })).toBe(
      'params: {"bedId":"bed-1","fromMs":5}',
    );
    expect(describeRequest({ signals: 'A'.repeat(40_000_000) })).toBe(
      `params: {"signals":"${'A'.repeat(80)}… (40000000 characters)"}`,
    );
    expect(describeRequest(undefined)).toBe('params: none');
    expect(describeRequest({ big: 10n })).toBe('params: {"big":"10n"}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeRequest(circular)).toBe('params: unprintable');
    expect(describeRequest(hostile)).toBe('params: unprintable');
    expect(describeRequest(Array.from({ length: 1000 }, (_, i) => i)).length).toBeLessThan(320);
  });
});
