// waveform_chunks partitioned by day on the real PostgreSQL: partitions made before the rows that
// need them, rows outside the window in the default partition (moved out when their day gets a
// partition), retention dropping whole days at start and when run, never the default partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { pushFrame, waveformChunk } from '../test-support/rows';
import { DAY_MS, listDayPartitions, partitionName } from './waveform-partitions';

const TODAY = Date.UTC(2026, 11, 6);
let nowMs = TODAY + 10 * 3_600_000;
let central: TestCentral;
let credential: string;

beforeAll(async () => {
  central = await startTestCentral({ retentionDays: 90, nowMs: () => nowMs });
  credential = await central.enrol('ws-a');
});
afterAll(() => central?.stop());

async function push(t0s: number[]) {
  const rows = t0s.map((t0Ms) => waveformChunk('ws-a', { t0Ms, bytes: 100 }));
  const answer = await call(central.url, SYNC_PATHS.push, {
    body: pushFrame('ws-a', rows),
    headers: bearer(credential),
  });
  expect(answer.status, answer.text).toBe(200);
  return { rows, answer: answer.json };
}

async function whereRowsAre(): Promise<Record<string, number>> {
  const { rows } = await central.server.db.query<{ part: string; n: string }>(
    'SELECT tableoid::regclass::text AS part, count(*) AS n FROM waveform_chunks GROUP BY 1',
  );
  return Object.fromEntries(rows.map((r) => [r.part, Number(r.n)]));
}

const day = (offsetDays: number) => TODAY + offsetDays * DAY_MS;

describe('waveform partitions', () => {
  it('are made per day before rows of that day arrive; other days go to the default partition', async () => {
    await push([day(0) + 1_000, day(0) + 80_000_000, day(-1) + 5, day(-5), day(-200), day(30)]);
    expect(await whereRowsAre()).toEqual({
      [partitionName(day(0))]: 2,
      [partitionName(day(-1))]: 1,
      [partitionName(day(-5))]: 1,
      waveform_chunks_default: 2,
    });
    const days = await listDayPartitions(central.server.db);
    expect(days.map((p) => p.toMs - p.fromMs)).toEqual([DAY_MS, DAY_MS, DAY_MS]);
  });

  it('take in the rows the default partition held for their day when that day comes', async () => {
    nowMs = day(29) + 3_600_000;
    const { rows } = await push([day(30) + 7]);
    expect(await whereRowsAre()).toMatchObject({
      [partitionName(day(30))]: 2,
      waveform_chunks_default: 1,
    });
    // Sent again, the rows are found where they now are: duplicates.
    const again = await call(central.url, SYNC_PATHS.push, {
      body: pushFrame('ws-a', rows),
      headers: bearer(credential),
    });
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('drop whole days older than retention keeps, and only the expired rows of the default partition', async () => {
    // Retention 90 days on day 29: the day -200 row in the default partition expires, days stay.
    const first = await central.server.partitions.applyRetention();
    expect(first).toEqual({ dropped: [], deletedFromDefault: 1 });
    nowMs = day(100);
    const second = await central.server.partitions.applyRetention();
    expect(second.dropped.sort()).toEqual([day(-5), day(-1), day(0)].map(partitionName).sort());
    expect(await whereRowsAre()).toEqual({ [partitionName(day(30))]: 2 });
    const { rows } = await central.server.db.query(
      `SELECT 1 FROM pg_class WHERE relname = 'waveform_chunks_default'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('run retention when a server starts', async () => {
    const later = await startTestCentral(
      { retentionDays: 30, nowMs: () => day(200) },
      central.database,
    );
    try {
      expect(await listDayPartitions(later.server.db)).toEqual([]);
      expect(later.logs.join('\n')).toMatch(/Retention: dropped 1 day partition/);
    } finally {
      await later.stop();
    }
  });
});
