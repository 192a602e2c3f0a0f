// The router as the gate of shared/security/access.ts: with a screen, a call the screen may not
// make never reaches its handler (and the refusal is audited); one it may make reaches it acting
// as the screen's actor, restarts the idle lock when it is more than watching, and is audited
// when it reads history or changes something. Without a screen the caller is trusted code.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { ScreenAccess } from '../../../shared/api/contract-access';
import type { Permission } from '../../../shared/security/access';
import type { AccessScreen } from '../access/access-screen';
import { coalescingAudit } from './call-audit';
import { createRouter, subjectOf, type ApiHandlers, type CallAudit, type Caller } from './router';

/** A screen that may do exactly `allowed` (a stand-in: the real sessions are in host/access). */
function fakeScreen(allowed: Permission[], actor = 'Ana Example (ana)') {
  const calls = { actions: 0, asked: [] as string[] };
  const screen: AccessScreen = {
    label: 'test screen',
    actor: () => actor,
    userId: () => 'u-1',
    authorize(permission, what) {
      calls.asked.push(`${what}:${permission}`);
      if (!allowed.includes(permission))
        throw new ApiError('sign_in_required', 'Sign in first.', { locked: false });
    },
    noteAction: () => {
      calls.actions += 1;
    },
    access: () => ({}) as ScreenAccess,
    subscribe: () => () => {},
    close: () => {},
  };
  return { screen, calls };
}

function rig() {
  const reached: Array<{ method: string; actor: string }> = [];
  const audited: CallAudit[] = [];
  const handler = (method: string) => (_input: unknown, caller: Caller) => {
    reached.push({ method, actor: caller.actor });
    return {};
  };
  const router = createRouter(
    {
      requests: {
        getStatus: handler('getStatus'),
        acknowledgeAlarm: handler('acknowledgeAlarm'),
        setAlarmAudio: handler('setAlarmAudio'),
        getTrend: handler('getTrend'),
      } as unknown as ApiHandlers['requests'],
      streams: {
        bedLive: (_input: unknown, _emit: unknown, caller: Caller) => {
          reached.push({ method: 'bedLive', actor: caller.actor });
          return () => {};
        },
        exportProgress: () => () => {},
      } as unknown as ApiHandlers['streams'],
    },
    () => {},
    { audit: (entry) => audited.push(entry), now: () => 1_000 },
  );
  return { router, reached, audited };
}

describe('api router: the access gate', () => {
  it('refuses a call the screen may not make before its handler, and audits the refusal', async () => {
    const { router, reached, audited } = rig();
    const { screen } = fakeScreen(['monitor', 'pause-audio']);
    const refused = router.request(
      'acknowledgeAlarm',
      { bedId: 'bed-1', alarmId: 'a-1' },
      { actor: 'browser', screen },
    );
    await expect(refused).rejects.toMatchObject({ code: 'sign_in_required' });
    expect(reached).toEqual([]);
    expect(audited).toEqual([
      {
        atMs: 1_000,
        actor: 'Ana Example (ana)',
        action: 'refused:acknowledgeAlarm',
        subject: 'bedId=bed-1 alarmId=a-1',
        detail: 'from test screen',
      },
    ]);
  });

  it('lets a locked screen pause audio but not switch it off', async () => {
    const { router, reached } = rig();
    const { screen } = fakeScreen(
      ['monitor', 'pause-audio'],
      'unidentified user at this workstation',
    );
    await router.request(
      'setAlarmAudio',
      { bedId: 'bed-1', mode: 'paused' },
      { actor: 'x', screen },
    );
    await expect(
      router.request(
        'setAlarmAudio',
        { bedId: 'bed-1', mode: 'off', reason: 'r' },
        { actor: 'x', screen },
      ),
    ).rejects.toMatchObject({ code: 'sign_in_required' });
    expect(reached).toEqual([
      { method: 'setAlarmAudio', actor: 'unidentified user at this workstation' },
    ]);
  });

  it('acts as the screen’s actor, restarts the idle lock only beyond watching, audits reads', async () => {
    const { router, reached, audited } = rig();
    const { screen, calls } = fakeScreen(['monitor', 'review', 'acknowledge']);
    await router.request('getStatus', {}, { actor: 'browser', screen });
    expect(calls.actions).toBe(0);
    expect(audited).toEqual([]);
    await router.request(
      'getTrend',
      {
        bedId: 'bed-2',
        codes: ['MDC_ECG_HEART_RATE'],
        fromMs: 1_700_000_000_000,
        toMs: 1_700_000_060_000,
      },
      { actor: 'browser', screen },
    );
    expect(calls.actions).toBe(1);
    expect(reached.map((r) => r.actor)).toEqual(['Ana Example (ana)', 'Ana Example (ana)']);
    expect(audited.map((a) => [a.action, a.subject])).toEqual([['getTrend', 'bedId=bed-2']]);
  });

  it('checks streams: a bed’s own screen is audited, a central tile is not', () => {
    const { router, reached, audited } = rig();
    const { screen } = fakeScreen(['monitor']);
    router.subscribe('bedLive', { bedId: 'bed-3' }, () => {}, { actor: 'browser', screen });
    router.subscribe('bedLive', { bedId: 'bed-3', waveforms: 'primary' }, () => {}, {
      actor: 'browser',
      screen,
    });
    expect(reached).toHaveLength(2);
    expect(audited.map((a) => [a.action, a.subject])).toEqual([['bedLive', 'bedId=bed-3']]);
    expect(() =>
      router.subscribe('exportProgress', { exportId: 'e-1' }, () => {}, {
        actor: 'browser',
        screen,
      }),
    ).toThrow(expect.objectContaining({ code: 'sign_in_required' }) as Error);
  });

  it('trusts a caller without a screen (in-process code) and audits nothing for it', async () => {
    const { router, reached, audited } = rig();
    await router.request('acknowledgeAlarm', { bedId: 'b', alarmId: 'a' }, { actor: 'cli' });
    expect(reached).toEqual([{ method: 'acknowledgeAlarm', actor: 'cli' }]);
    expect(audited).toEqual([]);
  });

  it('names what a call is about by its ids only, never its free text', () => {
    expect(subjectOf({ bedId: 'bed-1', reason: 'secret words', patientId: 'p-9' })).toBe(
      'patientId=p-9 bedId=bed-1',
    );
    expect(subjectOf(null)).toBe('');
    expect(subjectOf({ bedId: 'x'.repeat(500) })).toHaveLength('bedId='.length + 80);
  });
});

describe('call audit: repeated reads are one entry a minute', () => {
  it('writes a read once per minute per person and subject, and every change', () => {
    const written: CallAudit[] = [];
    const audit = coalescingAudit((entry) => written.push(entry));
    const entry = (action: string, atMs: number, subject = 'bedId=bed-1'): CallAudit => ({
      atMs,
      actor: 'ana',
      action,
      subject,
      detail: 'from tab 1',
    });
    audit(entry('getWaveformWindow', 0));
    audit(entry('getWaveformWindow', 10_000));
    audit(entry('getWaveformWindow', 20_000, 'bedId=bed-2'));
    audit(entry('acknowledgeAlarm', 21_000));
    audit(entry('acknowledgeAlarm', 22_000));
    audit(entry('getWaveformWindow', 61_000));
    expect(written.map((e) => `${e.action}@${e.atMs}`)).toEqual([
      'getWaveformWindow@0',
      'getWaveformWindow@20000',
      'acknowledgeAlarm@21000',
      'acknowledgeAlarm@22000',
      'getWaveformWindow@61000',
    ]);
  });
});
