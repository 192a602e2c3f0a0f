import { describe, expect, it } from 'vitest';
import type { OutboxBacklog } from '../store/client';
import {
  LOW_DISK_BYTES,
  MUCH_UNSENT_BYTES,
  unsentDataCondition,
  withUnsentWords,
} from './unsent-data';

const AT = new Date(2026, 11, 3, 9, 30).getTime();
const NOW = new Date(2026, 11, 6, 14, 0).getTime();
const backlog = (bytes: number): OutboxBacklog => ({
  rows: 1_000_000,
  bytes,
  oldestAtMs: AT,
  byLane: [],
  setAside: { count: 0, lastReason: null, lastAtMs: null },
});

describe('a disk filling with unsent data', () => {
  it('is an alarm once much waits and little room is left, saying what and what to do', () => {
    const condition = unsentDataCondition(backlog(3.4e9), 1.5e9, NOW);
    expect(condition).toMatchObject({ code: 'SYNC_UNSENT_DISK', priority: 'low', present: true });
    expect(condition.message).toBe(
      'Disk filling with data not yet sent to the central server: 3.4 GB waiting since 3 Dec 09:30, 1.5 GB free — call IT (recording stops when the disk is full)',
    );
  });

  it('is no alarm with room to spare, with little waiting, or before anything is known', () => {
    expect(unsentDataCondition(backlog(3.4e9), LOW_DISK_BYTES + 1, NOW).present).toBe(false);
    expect(unsentDataCondition(backlog(MUCH_UNSENT_BYTES - 1), 1e8, NOW).present).toBe(false);
    expect(unsentDataCondition(null, null, NOW).present).toBe(false);
  });

  it("adds what fills the disk to the store's disk-full alarm", () => {
    const full = {
      code: 'STORE_DISK_FULL',
      message:
        'Recording stopped: disk full — monitoring continues, data since 13:58 are not being kept',
      present: true,
    };
    expect(withUnsentWords(full, backlog(3.4e9)).message).toBe(
      `${full.message}; 3.4 GB of unsent data waiting for the central server are kept`,
    );
    expect(withUnsentWords(full, backlog(1e6))).toBe(full);
    expect(withUnsentWords({ ...full, code: 'STORE_DAMAGED' }, backlog(3.4e9)).message).toBe(
      full.message,
    );
  });
});
