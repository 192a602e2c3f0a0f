import { describe, expect, it, vi } from 'vitest';
import type { WorkstationClient } from '../../../shared/api/client';
import { ApiError } from '../../../shared/api/errors';
import { asksForSignIn, withSignIn, type SignInRefusal } from './sign-in-retry';

const refusal = (locked: boolean) =>
  new ApiError('sign_in_required', 'Sign in (host words).', { locked });

/** A client whose answers are given in order: an Error is thrown, anything else returned. */
function scriptedClient(answers: unknown[]) {
  const calls: string[] = [];
  const client = {
    request: vi.fn(async (method: string) => {
      calls.push(method);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    }),
    subscribe: vi.fn(() => () => {}),
  } as unknown as WorkstationClient;
  return { client, calls };
}

describe('withSignIn', () => {
  it('asks to unlock when an action is refused on a locked screen, then tries it once more', async () => {
    const { client, calls } = scriptedClient([refusal(true), { ok: true }]);
    const asked: SignInRefusal[] = [];
    const guarded = withSignIn(client, async (r) => {
      asked.push(r);
      return true;
    });
    const result = await guarded.request('acknowledgeAlarm', { alarmId: 'a1' } as never);
    expect(result).toEqual({ ok: true });
    expect(asked).toEqual([{ method: 'acknowledgeAlarm', locked: true }]);
    expect(calls).toEqual(['acknowledgeAlarm', 'acknowledgeAlarm']);
  });

  it('gives up after one retry: a second refusal is the answer, said in the table’s words', async () => {
    const { client, calls } = scriptedClient([refusal(false), refusal(false)]);
    const prompt = vi.fn(async () => true);
    const guarded = withSignIn(client, prompt);
    const error = await guarded.request('admitPatient', {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('sign_in_required');
    expect((error as ApiError).message).toBe('Sign in to admit, discharge and transfer patients.');
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it('does not retry when the person closes the prompt', async () => {
    const { client, calls } = scriptedClient([refusal(false)]);
    const guarded = withSignIn(client, async () => false);
    await expect(guarded.request('acknowledgeAlarm', {} as never)).rejects.toThrow(
      'Sign in to acknowledge alarms.',
    );
    expect(calls).toEqual(['acknowledgeAlarm']);
  });

  it('a prompt that fails counts as closed, not as signed in', async () => {
    const { client, calls } = scriptedClient([refusal(true)]);
    const guarded = withSignIn(client, () => Promise.reject(new Error('gone')));
    await expect(guarded.request('acknowledgeAlarm', {} as never)).rejects.toThrow(/Sign in/);
    expect(calls).toHaveLength(1);
  });

  it('never prompts for a read of history: the view is told what signing in would show', async () => {
    const { client } = scriptedClient([refusal(true)]);
    const prompt = vi.fn(async () => true);
    const guarded = withSignIn(client, prompt);
    await expect(guarded.request('getTrend', {} as never)).rejects.toThrow(
      'Sign in to see this patient’s history.',
    );
    expect(prompt).not.toHaveBeenCalled();
  });

  it('passes other refusals through unchanged (forbidden keeps its sentence)', async () => {
    const forbidden = new ApiError('forbidden', 'A nurse may not manage accounts.');
    const { client } = scriptedClient([forbidden]);
    const prompt = vi.fn(async () => true);
    const guarded = withSignIn(client, prompt);
    await expect(guarded.request('listAccounts', {} as never)).rejects.toBe(forbidden);
    expect(prompt).not.toHaveBeenCalled();
  });

  it('asks once for actions refused together, and retries each of them', async () => {
    const { client, calls } = scriptedClient([refusal(true), refusal(true), 'a', 'b']);
    let answer: (ok: boolean) => void = () => {};
    const prompt = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
    const guarded = withSignIn(client, prompt);
    const first = guarded.request('acknowledgeAlarm', {} as never);
    const second = guarded.request('acknowledgeAlarm', {} as never);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    answer(true);
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(prompt).toHaveBeenCalledTimes(1);
  });
});

describe('asksForSignIn', () => {
  it('asks for actions, not for reads or for signing in itself', () => {
    expect(asksForSignIn('acknowledgeAlarm')).toBe(true);
    expect(asksForSignIn('setAlarmLimits')).toBe(true);
    expect(asksForSignIn('getWaveformWindow')).toBe(false);
    expect(asksForSignIn('listStrips')).toBe(false);
    expect(asksForSignIn('patientHistory')).toBe(false);
    expect(asksForSignIn('unlockWithPin')).toBe(false);
    expect(asksForSignIn('signIn')).toBe(false);
  });
});
