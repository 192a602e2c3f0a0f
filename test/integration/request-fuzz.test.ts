// Every request and stream of the contract, fuzzed for a bounded time (FUZZ_MS, 30 s by default)
// against the real `workstation serve --demo` in a child process: a HealthyPi 5 simulator on a
// real pseudo-terminal, the real store on disk, the browser shell on real sockets. fast-check
// makes the params — the contract's own field names with values from a pool of what breaks
// things (far-past and fractional times, huge numbers, long and odd strings, paths of terminals,
// wrong types) or any JSON at all — and sends each over HTTP or the WebSocket, with raw junk in
// between. Every reply must be a well-formed answer that matches the contract or an error that
// is not "internal"; afterwards the process must be alive and the bed's samples still arriving.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { requests, streams } from '../../shared/api/contract';
import { ApiErrorShape } from '../../shared/api/errors';
import { ServerMessage, serverMessagesIn } from '../../shared/api/wire';

const FUZZ_MS = Number(process.env.FUZZ_MS ?? 30_000);
/** Printed with any problem: FUZZ_SEED=… runs the same calls again. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const TOKEN = 'request-fuzz-token-0123456789';
/** Over HTTP the fuzz acts as a script (every permission: the handlers are reached); over the
 * WebSocket as the page, which once an administrator is made is a screen nobody signed in to. */
const SCRIPT_TOKEN = 'request-fuzz-script-token-9876543210';
const CLI = join(import.meta.dirname, '..', '..', 'electron', 'cli', 'index.ts');

const NOW = Date.now();
/** Numbers that have broken request handlers somewhere: times out of range, fractions, extremes. */
const oddNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    NOW - 0.5,
    Number.MAX_SAFE_INTEGER,
    -9007199254740991,
    1e308,
    -1e308,
    Date.UTC(1970, 0, 1),
    Date.UTC(1990, 0, 1) - 1,
    NOW + 2 * 86_400_000,
    NOW - 40 * 86_400_000,
  ),
  fc.integer(),
  fc.double(),
);
/** Strings likewise: paths of terminals, malformed escapes, control characters, long ones. */
const oddString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(300),
    '../../etc/passwd',
    '/dev/tty',
    '/dev/pts/0',
    '/dev/null',
    '%E0%A4%A',
    '\u0000',
    '💓',
    '__proto__',
    'constructor',
    '1990-01-01',
    '2999-12-31',
    'AAAA',
    '====',
  ),
  fc.string({ maxLength: 40 }),
);
const anything = fc.oneof(
  oddNumber,
  oddString,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** The bed of the demo: a valid bedId gets a request past its first check. */
let bedId = 'bed-1';

/** Valid-looking values by field name, where the schema alone cannot tell. */
const SEEDS: Record<string, () => unknown> = {
  bedId: () => bedId,
  bedLabel: () => 'Bed 1 (demo)',
  fromMs: () => NOW - 60_000,
  toMs: () => NOW,
  endMs: () => NOW - 1000,
  startMs: () => NOW - 3_600_000,
  startedAt: () => NOW,
  codes: () => ['MDC_ECG_HEART_RATE', 'MDC_PULS_OXIM_SAT_O2'],
  channels: () => ['MDC_ECG_ELEC_POTL'],
  path: () => '/dev/pts/0',
  driver: () => 'cms50-v7',
  birthDate: () => '1950-02-03',
  seconds: () => 1,
};

/** A value the schema accepts, or comes close to: where fuzzing starts from. */
function seedFor(schema: z.ZodType, key?: string): unknown {
  const named = key === undefined ? undefined : SEEDS[key];
  if (named) return named();
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  )
    return seedFor(schema.unwrap() as z.ZodType, key);
  if (schema instanceof z.ZodObject)
    return Object.fromEntries(
      Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, seedFor(v, k)]),
    );
  if (schema instanceof z.ZodString) return 'x'.repeat(Math.max(1, schema.minLength ?? 0));
  if (schema instanceof z.ZodNumber) {
    const min = schema.minValue ?? -Infinity;
    const max = schema.maxValue ?? Infinity;
    return Math.min(Math.max(1, Number.isFinite(min) ? min : 1), Number.isFinite(max) ? max : 1);
  }
  if (schema instanceof z.ZodBoolean) return false;
  if (schema instanceof z.ZodEnum) return schema.options[0];
  if (schema instanceof z.ZodLiteral) return schema.value;
  if (schema instanceof z.ZodArray) return [seedFor(schema.element as z.ZodType)];
  if (schema instanceof z.ZodUnion) return seedFor(schema.options[0] as z.ZodType, key);
  return null;
}

/** A value of the same kind as `seed`, mostly one that breaks things. */
function mutationOf(seed: unknown) {
  if (typeof seed === 'number') return fc.oneof({ weight: 5, arbitrary: oddNumber }, anything);
  if (typeof seed === 'string') return fc.oneof({ weight: 5, arbitrary: oddString }, anything);
  return anything;
}

/** Params for a schema: a valid-looking seed with one to three fields changed or left out. */
function paramsFor(schema: z.ZodType) {
  const seed = seedFor(schema);
  if (typeof seed !== 'object' || seed === null || Array.isArray(seed))
    return fc.jsonValue({ maxDepth: 3 });
  const fields = seed as Record<string, unknown>;
  const keys = Object.keys(fields);
  const mutated = fc
    .tuple(
      fc.subarray([...keys, '(extra)'], {
        minLength: keys.length === 0 ? 0 : 1,
        maxLength: Math.min(3, keys.length + 1),
      }),
      fc.boolean(),
    )
    .chain(([changed, dropOne]) =>
      fc.tuple(...changed.map((key) => mutationOf(fields[key]))).map((values) => {
        const params: Record<string, unknown> = { ...fields };
        changed.forEach((key, i) => (params[key] = values[i]));
        if (dropOne && changed.length > 0 && changed[0] !== '(extra)') delete params[changed[0]!];
        return params;
      }),
    );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(fields) },
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const requestNames = Object.keys(requests) as Array<keyof typeof requests>;
const streamNames = Object.keys(streams) as Array<keyof typeof streams>;

type Call =
  | { kind: 'request'; method: string; params: unknown; over: 'http' | 'ws' }
  | { kind: 'subscribe'; stream: string; params: unknown }
  | { kind: 'junk'; text: string; over: 'http' | 'ws' };

/** Built once the demo bed is known: its id seeds the params. */
const callArbitrary = (): fc.Arbitrary<Call> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(...requestNames).chain((method) =>
        fc.record({
          kind: fc.constant('request' as const),
          method: fc.constant<string>(method),
          params: paramsFor(requests[method].input),
          over: fc.constantFrom('http' as const, 'ws' as const),
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...streamNames).chain((stream) =>
        fc.record({
          kind: fc.constant('subscribe' as const),
          stream: fc.constant<string>(stream),
          params: paramsFor(streams[stream].input),
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('junk' as const),
        text: fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        over: fc.constantFrom('http' as const, 'ws' as const),
      }),
    },
  );

describe(`every request of the contract, fuzzed for ${FUZZ_MS / 1000} s`, () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let port: number;
  let live: WebSocket;
  /** The ECG blocks the viewer received: where each starts and ends on the bed's own clock. */
  const ecgBlocks: Array<{ fromMs: number; toMs: number }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-fuzz-'));
    child = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', '--import', './test/support/raw-import.mjs', CLI, 'serve'],
        ...[
          '--port',
          '0',
          '--data',
          join(dir, 'data'),
          '--demo',
          '--token',
          TOKEN,
          '--script-token',
          SCRIPT_TOKEN,
        ],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ready = /Workstation ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (ready) {
        port = Number(ready[1]);
        break;
      }
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`serve did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A viewer of the demo bed, counting its samples from start to end.
    const status = (await (
      await fetch(`http://127.0.0.1:${port}/api/status`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { beds: { id: string }[] };
    bedId = status.beds[0]!.id;
    live = await openSocket();
    live.on('message', (data) => {
      for (const one of serverMessagesIn(JSON.parse(String(data)))) {
        const m = one as {
          id: number;
          event?: {
            type: string;
            blocks?: { channel: string; t0: number; rateHz: number; values: number[] }[];
          };
        };
        const blocks = m.id === 1 && m.event?.type === 'samples' ? (m.event.blocks ?? []) : [];
        for (const block of blocks) {
          if (block.channel !== 'MDC_ECG_ELEC_POTL') continue;
          const fromMs = block.t0;
          ecgBlocks.push({ fromMs, toMs: fromMs + (block.values.length * 1000) / block.rateHz });
        }
      }
    });
    live.send(JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId } }));
    while (ecgBlocks.length === 0) {
      if (Date.now() > deadline) throw new Error(`no samples from the demo bed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  afterAll(async () => {
    live?.terminate();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function openSocket(): Promise<WebSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  async function overHttp(path: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SCRIPT_TOKEN}`, 'Content-Type': 'application/json' },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  let socket: WebSocket | null = null;
  let nextId = 1000;
  /** Sends one message and waits for the reply with its id (null for a message without one). */
  async function overWs(message: string, id: number | null): Promise<ServerMessage> {
    if (!socket || socket.readyState !== WebSocket.OPEN) socket = await openSocket();
    const ws = socket;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${message.slice(0, 200)}`)),
        20_000,
      );
      const onMessage = (data: unknown) => {
        const parsed = serverMessagesIn(JSON.parse(String(data))).map((one) =>
          ServerMessage.safeParse(one),
        );
        const malformed = parsed.find((p) => !p.success);
        if (malformed) {
          clearTimeout(timer);
          reject(new Error(`a malformed reply: ${String(data).slice(0, 300)}`));
          return;
        }
        const mine = parsed.find((p) => p.success && p.data.id === id);
        if (!mine?.success) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(mine.data);
      };
      ws.on('message', onMessage);
      ws.send(message);
    });
  }

  /** Checks one call's reply; returns a sentence for what is wrong with it, or null. */
  async function probe(c: Call): Promise<string | null> {
    if (c.kind === 'junk') {
      if (c.over === 'http') {
        const { status, text } = await overHttp('/api/getStatus', c.text);
        if (status === 500) return `HTTP 500 for junk: ${text}`;
        return ApiErrorShape.safeParse(JSON.parse(text).error).success || status === 200
          ? null
          : `a malformed reply to junk: ${text}`;
      }
      // Valid JSON that is not a message, or not JSON: an error without an id, unless it happens
      // to be a real message, which then gets its own reply (not waited for here).
      let isMessage = false;
      try {
        const value = JSON.parse(c.text) as { type?: unknown };
        isMessage = typeof value === 'object' && value !== null && 'type' in value;
      } catch {
        // not JSON
      }
      if (isMessage) return null;
      const reply = await overWs(c.text, null);
      return reply.type === 'error' && reply.error.code === 'invalid_request'
        ? null
        : `junk answered with ${JSON.stringify(reply)}`;
    }
    if (c.kind === 'subscribe') {
      const id = ++nextId;
      const reply = await overWs(
        JSON.stringify({ type: 'subscribe', id, stream: c.stream, params: c.params }),
        id,
      );
      socket!.send(JSON.stringify({ type: 'unsubscribe', id }));
      if (reply.type === 'error' && reply.error.code === 'internal')
        return `${c.stream} ${JSON.stringify(c.params)} → internal: ${reply.error.message}`;
      if (reply.type === 'event') {
        const event = streams[c.stream as keyof typeof streams].event.safeParse(reply.event);
        if (!event.success) return `${c.stream} sent an event outside the contract`;
      }
      return null;
    }
    const output = requests[c.method as keyof typeof requests].output;
    const what = `${c.method} ${JSON.stringify(c.params)?.slice(0, 300)} over ${c.over}`;
    if (c.over === 'http') {
      const { status, text } = await overHttp(`/api/${c.method}`, JSON.stringify(c.params));
      let body: { result?: unknown; error?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return `${what} → HTTP ${status}, not JSON: ${text.slice(0, 300)}`;
      }
      if (status === 200)
        return output.safeParse(body.result).success ? null : `${what} → outside the contract`;
      const error = ApiErrorShape.safeParse(body.error);
      if (!error.success) return `${what} → HTTP ${status}, malformed error: ${text}`;
      if (status >= 500 || error.data.code === 'internal')
        return `${what} → HTTP ${status}: ${error.data.message}`;
      return null;
    }
    const id = ++nextId;
    const reply = await overWs(
      JSON.stringify({ type: 'request', id, method: c.method, params: c.params }),
      id,
    );
    if (reply.type === 'response')
      return output.safeParse(reply.result).success ? null : `${what} → outside the contract`;
    if (reply.type === 'error' && reply.error.code === 'internal')
      return `${what} → internal: ${reply.error.message}`;
    return null;
  }

  it(
    'answers every call with an answer or an error of its own; the bed goes on',
    async () => {
      const problems: string[] = [];
      let calls = 0;
      const startedMs = Date.now();
      await fc
        .assert(
          fc.asyncProperty(callArbitrary(), async (c) => {
            calls++;
            const problem = await probe(c).catch(
              (error: unknown) => `${JSON.stringify(c).slice(0, 300)} → ${String(error)}`,
            );
            if (problem) problems.push(problem);
            // Every problem is collected and reported; none is shrunk (shrinking would not be bounded).
            return true;
          }),
          {
            seed: FUZZ_SEED,
            numRuns: 1_000_000,
            interruptAfterTimeLimit: FUZZ_MS,
            markInterruptAsFailure: false,
          },
        )
        .catch((error: unknown) => {
          problems.push(`fast-check: ${String(error).slice(0, 2000)}`);
        });
      socket?.terminate();

      if (problems.length > 0)
        console.log(`FUZZ_SEED=${FUZZ_SEED}; workstation output:\n${output.slice(-6000)}`);
      expect(problems).toEqual([]);
      expect(calls).toBeGreaterThan(50);
      expect(child.exitCode, output.slice(-3000)).toBeNull();
      // Not one sample lost: the ECG received covers the run without a gap (on the bed's clock),
      // and keeps coming after it.
      const received = ecgBlocks.length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(ecgBlocks.length).toBeGreaterThan(received);
      const during = ecgBlocks
        .filter((block) => block.toMs >= startedMs - 1000)
        .sort((a, b) => a.fromMs - b.fromMs);
      expect(during[0]!.fromMs).toBeLessThanOrEqual(startedMs);
      const gaps = during
        .slice(1)
        .map((block, i) => ({ atMs: block.fromMs, gapMs: block.fromMs - during[i]!.toMs }))
        .filter(({ gapMs }) => gapMs > 50);
      expect(gaps).toEqual([]);
      expect(during.at(-1)!.toMs).toBeGreaterThan(Date.now() - 2000);
      console.log(`request fuzz: ${calls} calls in ${Date.now() - startedMs} ms`);
    },
    FUZZ_MS + 120_000,
  );
});
