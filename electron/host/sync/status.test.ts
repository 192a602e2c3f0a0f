import { describe, expect, it } from 'vitest';
import type { OutboxBacklog } from '../store/client';
import { clockTime, DrainMeter, duration, syncStatusOf, type SyncStatusParts } from './status';

// Local times, so the words are the same in every time zone the suite runs in.
const AT_1402 = new Date(2026, 11, 6, 14, 2).getTime();
const NOW = AT_1402 + (8 * 60 + 12) * 60_000 + 30_000;

function backlog(rows: number, bytes: number, oldestAtMs: number | null): OutboxBacklog {
  return {
    rows,
    bytes,
    oldestAtMs,
    byLane: [
      { lane: 0, rows: 10, bytes: 2_000, oldestAtMs },
      { lane: 1, rows: rows - 20, bytes: bytes / 2, oldestAtMs },
      { lane: 2, rows: 10, bytes: bytes / 2 - 2_000, oldestAtMs },
    ],
    setAside: { count: 0, lastReason: null, lastAtMs: null },
  };
}

const enrolled = { server: 'https://central.hospital.example:8443', name: 'ICU-2', unit: 'ICU' };
const parts = (extra: Partial<SyncStatusParts>): SyncStatusParts => ({
  enrolment: enrolled,
  enrolmentProblem: null,
  uploader: { kind: 'connected', sending: false },
  since: AT_1402,
  backlog: backlog(0, 0, null),
  drain: null,
  lastSuccessAtMs: null,
  nowMs: NOW,
  ...extra,
});

describe('the sync status line', () => {
  it('says since when the server is unreachable and how much data waits, all kept', () => {
    const status = syncStatusOf(
      parts({
        uploader: { kind: 'unreachable', problem: 'ECONNREFUSED' },
        backlog: backlog(52_000, 1.2e9, AT_1402),
      }),
    );
    expect(status.state).toBe('unreachable');
    expect(status.message).toBe(
      'Central server unreachable since 14:02 — 8 h 12 min of data waiting, all kept on this workstation',
    );
    expect(status.waiting).toMatchObject({ rows: 52_000, bytes: 1.2e9, oldestAtMs: AT_1402 });
    expect(status.drain).toBeNull();
  });

  it('draining: what is left, at what pace, for how long', () => {
    const status = syncStatusOf(
      parts({
        uploader: { kind: 'connected', sending: true },
        backlog: backlog(12_000, 340e6, AT_1402),
        drain: { rowsPerS: 900, bytesPerS: 2e6, etaS: 170 },
      }),
    );
    expect(status.state).toBe('draining');
    expect(status.message).toBe(
      'Sending data kept while offline to central.hospital.example:8443: 340 MB (12,000 rows) left, about 3 min',
    );
    expect(status.drain).toEqual({ rowsPerS: 900, bytesPerS: 2e6, etaS: 170 });
  });

  it('connected, not enrolled, revoked and a version mismatch, each in words', () => {
    expect(syncStatusOf(parts({})).message).toBe(
      'Connected to the central server central.hospital.example:8443 — all data sent',
    );
    const notEnrolled = syncStatusOf(
      parts({ enrolment: null, uploader: { kind: 'not-enrolled' } }),
    );
    expect(notEnrolled).toMatchObject({ enrolled: false, state: 'not-enrolled', server: null });
    expect(notEnrolled.message).toBe(
      'Not connected to a central server — all data are kept on this workstation',
    );
    const revoked = syncStatusOf(
      parts({
        uploader: { kind: 'revoked', message: 'revoked' },
        backlog: backlog(100, 1e6, AT_1402),
      }),
    );
    expect(revoked.state).toBe('revoked');
    expect(revoked.message).toContain('monitoring continues, 8 h 12 min of data waiting, all kept');
    const mismatch = syncStatusOf(
      parts({
        uploader: { kind: 'version-mismatch', message: 'Update the workstation.' },
        backlog: backlog(100, 1e6, AT_1402),
      }),
    );
    expect(mismatch.state).toBe('version-mismatch');
    expect(mismatch.message).toContain('Update the workstation.');
  });

  it('writes times and durations as a clinician reads them', () => {
    expect(clockTime(AT_1402, NOW)).toBe('14:02');
    expect(clockTime(AT_1402, AT_1402 + 3 * 86_400_000)).toBe('6 Dec 14:02');
    expect(duration(30_000)).toBe('less than a minute');
    expect(duration(12 * 60_000)).toBe('12 min');
    expect(duration(2 * 3_600_000)).toBe('2 h');
    expect(duration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });

  it('measures the drain over the last 30 s', () => {
    const meter = new DrainMeter(30_000);
    expect(meter.rate(NOW, 1e6, 100)).toBeNull();
    meter.add({ rows: 1_000, bytes: 1e6, atMs: NOW - 40_000 }); // outside the window
    meter.add({ rows: 1_000, bytes: 2e6, atMs: NOW - 10_000 });
    meter.add({ rows: 1_000, bytes: 2e6, atMs: NOW });
    expect(meter.rate(NOW, 8e6, 5_000)).toEqual({ rowsPerS: 200, bytesPerS: 400_000, etaS: 20 });
  });
});
