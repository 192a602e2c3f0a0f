// The relay's memory on its own: an instance that dies without a word (no 'offline' from it) has
// its workstations marked offline by the others once its heartbeats stop; a workstation that
// comes back on another instance is not marked offline by the late word of the old one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BedLiveEvent } from '../../shared/api/contract';
import type { LiveBroker } from './broker';
import { LiveRelay } from './relay';
import type { RelayMessage } from './relay-message';
import { numericEvent, snapshotEvent, testBed } from './live-clients.test-support';

/** A broker every relay hears, and that can go deaf to one of them (its instance died). */
class SharedBroker {
  private readonly handlers = new Map<string, (message: RelayMessage) => void>();
  readonly dead = new Set<string>();

  for(instance: string): LiveBroker {
    return {
      publish: (message) => {
        if (this.dead.has(instance)) return;
        for (const handler of this.handlers.values()) handler(structuredClone(message));
      },
      subscribe: (handler) => void this.handlers.set(instance, handler),
      close: () => Promise.resolve(),
    };
  }
}

const site = { workstationId: 'ws-1', workstationName: 'ICU', unit: 'ICU' };

afterEach(() => vi.useRealTimers());

describe('live relay presence', () => {
  it('marks a workstation offline when its instance stops speaking for it', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const broker = new SharedBroker();
    const options = { heartbeatMs: 1_000, presenceTimeoutMs: 3_000, log: () => {} };
    const owner = new LiveRelay({ ...options, broker: broker.for('a'), instanceId: 'a' }).start();
    const other = new LiveRelay({ ...options, broker: broker.for('b'), instanceId: 'b' }).start();
    const bed = { ...testBed('ws-1/bed-1', 'Bed 1') };
    owner.workstationConnected(site, 'session-1');
    owner.workstationBeds('ws-1', [bed]);
    owner.workstationEvent('ws-1', bed.id, snapshotEvent(bed));
    owner.workstationEvent('ws-1', bed.id, numericEvent(70, Date.now()));
    const seen: BedLiveEvent[] = [];
    other.subscribe(bed.id, 'all', (event) => seen.push(event));
    const lastDataMs = Date.now();

    await vi.advanceTimersByTimeAsync(5_000);
    expect(other.listBeds()[0]!.offline).toBeUndefined(); // heartbeats keep it live

    broker.dead.add('a'); // the owner dies: no heartbeat, no 'offline'
    const diedAt = Date.now();
    await vi.advanceTimersByTimeAsync(5_000);
    const offline = other.listBeds()[0]!.offline!;
    expect(offline.lastDataMs).toBe(lastDataMs);
    expect(offline.sinceMs).toBeLessThanOrEqual(diedAt);
    expect(offline.sinceMs).toBeGreaterThan(diedAt - 2_000);
    expect(seen.at(-1)).toMatchObject({ type: 'snapshot', bed: { offline: { lastDataMs } } });

    // It comes back on b: live again, and a's late word about the old session changes nothing.
    other.workstationConnected(site, 'session-2');
    other.workstationBeds('ws-1', [bed]);
    expect(other.listBeds()[0]!.offline).toBeUndefined();
    broker.dead.delete('a');
    owner.workstationDisconnected('ws-1', 'session-1');
    expect(other.listBeds()[0]!.offline).toBeUndefined();
    await owner.close();
    await other.close();
  });
});
