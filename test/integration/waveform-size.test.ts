// What a waveform costs on disk, everything included (heap, TOAST, indexes, maps, the staging
// table and the waveform rows' share of sync_outbox), through the real store: MIT-BIH 101 (30 min,
// 2 leads at 360 Hz) imported as a bed. Measured as what a second import adds, so the pages every
// empty table starts with (~0.1 byte a sample of one record) are not counted; DS1 as a whole is
// `store.bytes-per-sample` in `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/host/store/client';
import { importRecordAsBed } from '../../electron/host/export/store-records';
import { readMitbih, waveformSize } from '../bench/store-size';

const GOAL_BYTES_PER_SAMPLE = 0.6;

describe('waveforms on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-waveform-size-'));
  const dataDir = join(dir, 'pgdata');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`take at most ${GOAL_BYTES_PER_SAMPLE} bytes a sample, all overhead included`, async () => {
    const record = readMitbih('101');
    const startMs = Date.now() - 3_600_000;
    const importAs = async (bedLabel: string) => {
      const store = await openStore({ dataDir, workstationId: 'ws-size' });
      try {
        const imported = await importRecordAsBed(store, record, { bedLabel, startMs, actor: 't' });
        const [segment] = await store.readWaveformWindow({
          bedId: imported.bedId,
          fromMs: startMs + 59_000,
          toMs: startMs + 61_000,
          channels: [record.channels[0]!.key],
        });
        // Across the boundary of two packed rows, as recorded.
        const from = 59 * record.channels[0]!.rateHz;
        expect(Array.from(segment!.values)).toEqual(
          Array.from(record.channels[0]!.samples.subarray(from, from + 720)).map(
            (v) => v - record.channels[0]!.baseline,
          ),
        );
      } finally {
        await store.close();
      }
      return waveformSize(dataDir);
    };
    const first = await importAs('Bed A');
    const second = await importAs('Bed B');
    const samples = second.samples - first.samples;
    const bytesPerSample = (second.bytes - first.bytes) / samples;
    console.log(
      `MIT-BIH 101 imported: ${bytesPerSample.toFixed(3)} bytes/sample (${second.bytes - first.bytes} bytes, ${samples} samples; the whole store with its empty tables' pages: ${second.bytesPerSample.toFixed(3)})`,
    );
    expect(samples).toBe(2 * 650_000);
    expect(second.waveformStaging).toBe(first.waveformStaging);
    expect(bytesPerSample).toBeLessThanOrEqual(GOAL_BYTES_PER_SAMPLE);
  }, 300_000);
});
