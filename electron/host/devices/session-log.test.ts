// The device session log: only changes of connection are kept (not every status), a loss keeps
// the reason the nurse saw, a removal who removed it, and a store that fails is logged, not thrown.
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../shared/model/schemas';
import type { DeviceSessionToStore } from '../store/device-sessions';
import { DeviceSessionLog } from './session-log';

const base: DeviceStatus = {
  id: 'healthypi5@/dev/ttyACM0',
  driver: 'healthypi5',
  path: '/dev/ttyACM0',
  bedId: 'bed-1',
  state: 'connecting',
  framesOk: 0,
  framesBad: 0,
  bytesSkipped: 0,
  bytesSkippedPerS: 0,
  lastFrameAt: null,
  problem: null,
};

function log(fail = false) {
  const kept: DeviceSessionToStore[] = [];
  const logged: string[] = [];
  let t = 1_000;
  const sessions = new DeviceSessionLog({
    record: async (e) => {
      if (fail) throw new Error('disk full');
      kept.push(e);
    },
    now: () => (t += 1_000),
    log: (m) => logged.push(m),
  });
  return { sessions, kept, logged };
}

describe('device session log', () => {
  it('keeps assigned, connected, lost (with the reason), connected again and removed', async () => {
    const { sessions, kept } = log();
    sessions.assigned(base);
    sessions.status(base);
    sessions.status({ ...base, state: 'connected', framesOk: 10 });
    sessions.status({ ...base, state: 'connected', framesOk: 20 });
    sessions.status({ ...base, state: 'stale' });
    sessions.status({ ...base, state: 'disconnected', problem: 'The cable was unplugged.' });
    sessions.status({ ...base, state: 'connecting' });
    sessions.status({ ...base, state: 'connected' });
    sessions.removed(base, 'nurse.ward');
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept.map((e) => [e.event, e.detail])).toEqual([
      ['assigned', null],
      ['connected', null],
      ['lost', 'The cable was unplugged.'],
      ['connected', null],
      ['removed', 'by nurse.ward'],
    ]);
    expect(kept[0]).toMatchObject({ driver: 'healthypi5', path: '/dev/ttyACM0', bedId: 'bed-1' });
    expect(kept.map((e) => e.atMs)).toEqual([...kept.map((e) => e.atMs)].sort());
  });

  it('a device that never connected is not lost', async () => {
    const { sessions, kept } = log();
    sessions.assigned(base);
    sessions.status({ ...base, state: 'disconnected', problem: 'No such port.' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept.map((e) => e.event)).toEqual(['assigned']);
  });

  it('a store that cannot keep the row is logged, never thrown', async () => {
    const { sessions, logged } = log(true);
    sessions.assigned(base);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged[0]).toMatch(
      /healthypi5@\/dev\/ttyACM0 was assigned is not kept: Error: disk full/,
    );
  });
});
