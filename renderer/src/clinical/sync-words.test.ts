import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/api/contract-sync';
import { syncLine } from './sync-words';

const base: SyncStatus = {
  enrolled: true,
  server: 'https://central.example:8443',
  workstationName: 'Clinic 1',
  unit: 'Ward A',
  state: 'connected',
  since: new Date(2026, 11, 6, 14, 2).getTime(),
  waiting: { rows: 0, bytes: 0, oldestAtMs: null, byLane: [] },
  drain: null,
  setAside: { count: 0, lastReason: null, lastAtMs: null },
  lastSuccessAtMs: null,
  message: 'host words',
};
const now = new Date(2026, 11, 6, 22, 14).getTime();

describe('sync status line', () => {
  it('says how long the link has been down, how much waits, and that it is all kept', () => {
    const line = syncLine(
      {
        ...base,
        state: 'unreachable',
        waiting: { rows: 120_000, bytes: 48_000_000, oldestAtMs: base.since, byLane: [] },
      },
      now,
    );
    expect(line.tone).toBe('warning');
    expect(line.text).toBe(
      'Central server unreachable since 14:02 — 8 h 12 min of data waiting (48 MB), all kept on this workstation',
    );
  });

  it('shows the drain with its rate and time left, and rows the server refused', () => {
    const line = syncLine(
      {
        ...base,
        state: 'draining',
        waiting: { rows: 34_000, bytes: 1_200_000_000, oldestAtMs: base.since, byLane: [] },
        drain: { rowsPerS: 900, bytesPerS: 2_100_000, etaS: 540 },
        setAside: { count: 3, lastReason: 'bad value', lastAtMs: now },
      },
      now,
    );
    expect(line.tone).toBe('busy');
    expect(line.text).toContain('1.2 GB left (34,000 rows), 2.1 MB/s, about 9 min left');
    expect(line.text).toContain('3 rows refused by the server, kept here');
  });

  it('is quiet when not enrolled, and uses the host words for a version mismatch', () => {
    expect(syncLine({ ...base, enrolled: false, state: 'not-enrolled' }, now).tone).toBe('quiet');
    expect(syncLine({ ...base, state: 'version-mismatch' }, now).text).toBe('host words');
  });
});
