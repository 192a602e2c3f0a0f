// Exports of any length from a real store on disk: longer than a day, written a piece at a time,
// read back by our own WFDB and EDF+ readers; the same bytes whatever the piece size; nothing
// under the final names when an export is cancelled or fails.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { readEdf } from './edf-read';
import {
  ExportCancelledError,
  ExportError,
  exportBed,
  exportBedToFolder,
  type ExportFormat,
} from './export-bed';
import type { RecordStore } from './record-spool';
import { readWfdb, writeWfdb } from './wfdb';
import { writeCsv } from './csv';
import { writeEdf } from './edf';
import type { ExportRecord } from './record';

const HOUR_MS = 3_600_000;
const BED = 'bed-holter';
// Two channels at 4 and 1 Hz (so 25 h seed in seconds), with an hour without signal.
const ECG = { channel: 'ecg', rateHz: 4, scale: 0.005, unit: 'mV', label: 'ECG II' };
const RESP = { channel: 'resp', rateHz: 1, scale: 0.1, unit: 'Ohm', label: 'Resp' };
const HOURS = 25;
const GAP = { fromH: 10, toH: 11 };
const ecgAt = (n: number) => ((n * 37) % 2001) - 1000;
const respAt = (n: number) => ((n * 13) % 501) - 250;

describe('exports longer than a day, in pieces', () => {
  let folder: string;
  let store: Store;
  let startMs: number;
  let toMs: number;

  beforeAll(async () => {
    const { dataDir, folder: storeFolder } = await freshStoreDir('ws-export-long-');
    folder = storeFolder;
    store = await openStore({ dataDir, workstationId: 'ws-test', maxChunkMs: 60_000 });
    // Within the 72 h kept, on whole seconds.
    startMs = Math.floor((Date.now() - 26 * HOUR_MS) / 1000) * 1000;
    toMs = startMs + HOURS * HOUR_MS;
    await store.recordChannels([ECG, RESP].map((c) => ({ bedId: BED, deviceId: 'dev-a', ...c })));
    for (const { channel, rateHz, at } of [
      { ...ECG, at: ecgAt },
      { ...RESP, at: respAt },
    ]) {
      const block = rateHz * 60; // a minute: the longest chunk the store keeps
      for (let n = 0; n < HOURS * 3600 * rateHz; n += block) {
        const hour = n / rateHz / 3600;
        if (hour >= GAP.fromH && hour < GAP.toH) continue;
        const values = Array.from({ length: block }, (_, k) => at(n + k));
        store.appendSamples({
          bedId: BED,
          deviceId: 'dev-a',
          channel,
          rateHz,
          t0: startMs + (n * 1000) / rateHz,
          values,
        });
      }
      await store.flush();
    }
    await store.appendAnnotations([
      { bedId: BED, atMs: startMs + 20 * HOUR_MS, kind: 'note', text: 'turned', actor: 'nurse' },
    ]);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const expected = (rate: number, at: (n: number) => number, gapValue: number, n: number) => {
    const hour = n / rate / 3600;
    return hour >= GAP.fromH && hour < GAP.toH ? gapValue : at(n);
  };

  it('writes 25 h as WFDB that reads back sample for sample, with its annotation', async () => {
    const out = join(folder, 'wfdb');
    const fractions: number[] = [];
    const { paths } = await exportBedToFolder(
      store,
      { bedId: BED, fromMs: startMs, toMs, format: 'wfdb' },
      out,
      { onProgress: (p) => fractions.push(p.fraction) },
    );
    expect(paths.map((p) => p.slice(out.length + 1))).toEqual([
      'bed_holter.hea',
      'bed_holter.dat',
      'bed_holter.alm',
    ]);
    expect(readdirSync(out).sort()).toEqual(['bed_holter.alm', 'bed_holter.dat', 'bed_holter.hea']);
    const record = readWfdb(
      readFileSync(join(out, 'bed_holter.hea'), 'utf8'),
      readFileSync(join(out, 'bed_holter.dat')),
      readFileSync(join(out, 'bed_holter.alm')),
    );
    expect(record.startMs).toBe(startMs);
    const [ecg, resp] = record.channels;
    expect(ecg).toMatchObject({ label: 'ECG II', rateHz: 4, rawPerUnit: 200 });
    expect(ecg!.samples.length).toBe(HOURS * 3600 * 4);
    expect(resp!.samples.length).toBe(HOURS * 3600);
    for (let n = 0; n < ecg!.samples.length; n++) {
      if (ecg!.samples[n] !== expected(4, ecgAt, -32768, n)) {
        throw new Error(`ECG sample ${n}: ${ecg!.samples[n]}`);
      }
    }
    for (let n = 0; n < resp!.samples.length; n++) {
      if (resp!.samples[n] !== expected(1, respAt, -32768, n)) {
        throw new Error(`resp sample ${n}: ${resp!.samples[n]}`);
      }
    }
    expect(record.annotations.map((a) => [a.timeMs, a.code, a.text])).toEqual([
      [20 * HOUR_MS, 'NOTE', 'turned'],
    ]);
    // Progress only grows, and ends whole.
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  }, 60_000);

  it('writes 25 h as EDF+ with the right number of data records, read back', async () => {
    const out = join(folder, 'edf');
    await exportBedToFolder(store, { bedId: BED, fromMs: startMs, toMs, format: 'edf' }, out);
    const bytes = readFileSync(join(out, 'bed_holter.edf'));
    // 1 s data records: 90 000 of them, as the header says.
    expect(bytes.subarray(236, 244).toString('ascii').trim()).toBe(String(HOURS * 3600));
    const record = readEdf(bytes);
    const ecg = record.channels.find((c) => c.label === 'ECG II')!;
    expect(ecg.samples.length).toBe(HOURS * 3600 * 4);
    for (let n = 0; n < ecg.samples.length; n += 997) {
      expect(ecg.samples[n]).toBe(expected(4, ecgAt, -32768, n));
    }
    expect(record.annotations.map((a) => a.text)).toContain('turned');
  }, 60_000);

  it('writes 25 h as CSV, one row per sample with physical values', async () => {
    const out = join(folder, 'csv');
    await exportBedToFolder(store, { bedId: BED, fromMs: startMs, toMs, format: 'csv' }, out, {
      pieceSeconds: 3600,
    });
    const lines = readFileSync(join(out, 'bed_holter_1Hz.csv'), 'utf8').split('\r\n');
    expect(lines[0]).toBe('time_s,Resp [Ohm]');
    expect(lines).toHaveLength(1 + HOURS * 3600 + 1); // and a final line end
    expect(lines[1 + 90_000 - 1]).toBe(`89999.000,${(respAt(89_999) * 0.1).toFixed(2)}`);
  }, 60_000);

  it('makes the same bytes in one piece, in many, and in memory', async () => {
    // Ten minutes around the gap's end, from a time off the sample grid.
    const fromMs = startMs + GAP.toH * HOUR_MS - 300_000 + 130;
    const query = { bedId: BED, fromMs, toMs: fromMs + 600_000 };
    for (const format of ['wfdb', 'wfdb212', 'edf', 'csv'] as ExportFormat[]) {
      const whole = join(folder, `whole-${format}`);
      const pieces = join(folder, `pieces-${format}`);
      await exportBedToFolder(store, { ...query, format }, whole, {
        readWindowMs: 3_600_000,
        pieceSeconds: 3600,
      });
      await exportBedToFolder(store, { ...query, format }, pieces, {
        readWindowMs: 7_000,
        pieceSeconds: 3,
      });
      const inMemory = await exportBed(store, { ...query, format });
      const names = readdirSync(whole).sort();
      expect(readdirSync(pieces).sort()).toEqual(names);
      for (const name of names) {
        const bytes = readFileSync(join(whole, name));
        expect(readFileSync(join(pieces, name)).equals(bytes), `${format} ${name}`).toBe(true);
        const file = inMemory.files.find((f) => f.name === name)!;
        expect(Buffer.from(file.contents).equals(bytes), `${format} ${name} in memory`).toBe(true);
      }
      // As a whole-record export makes them: one read of the range, each sample at its index.
      const record = await wholeRecord(store, query, format === 'wfdb212' ? -2048 : -32768);
      const before =
        format === 'csv'
          ? writeCsv(record)
          : format === 'edf'
            ? writeEdf(record)
            : writeWfdb(record, { format: format === 'wfdb212' ? 212 : 16 });
      for (const file of before.files) {
        const bytes = readFileSync(join(whole, file.name));
        expect(Buffer.from(file.contents).equals(bytes), `${format} ${file.name} before`).toBe(
          true,
        );
      }
    }
  }, 60_000);

  it('leaves nothing under the final names when cancelled', async () => {
    const out = join(folder, 'cancelled');
    const cancel = new AbortController();
    const exporting = exportBedToFolder(
      store,
      { bedId: BED, fromMs: startMs, toMs, format: 'edf' },
      out,
      {
        signal: cancel.signal,
        onProgress: ({ fraction }) => {
          if (fraction > 0.3) cancel.abort();
        },
      },
    );
    await expect(exporting).rejects.toThrow(ExportCancelledError);
    await expect(exporting).rejects.toThrow(/cancelled; nothing was written/);
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);

  it('refuses, naming the channel, values a format cannot hold, and keeps nothing', async () => {
    const loud: RecordStore = {
      readChannels: (bedId) => store.readChannels(bedId),
      readAlarmLog: (...args) => store.readAlarmLog(...args),
      readAnnotations: (...args) => store.readAnnotations(...args),
      // Ten times the stored values: ECG up to ±10 000, beyond format 212's 12 bits.
      readWaveformWindow: async (query) =>
        (await store.readWaveformWindow(query)).map((s) => ({
          ...s,
          values: s.values.map((v) => v * 10),
        })),
    };
    const out = join(folder, 'too-loud');
    await expect(
      exportBedToFolder(
        loud,
        { bedId: BED, fromMs: startMs, toMs: startMs + 3_600_000, format: 'wfdb212' },
        out,
      ),
    ).rejects.toThrow(
      /channel "ECG II" has samples from -10000 to 10000, outside WFDB format 212's range -2048..2047; export with format 16/,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('leaves nothing when the disk fills or the store fails halfway, and says so', async () => {
    let reads = 0;
    const failing = (error: Error): RecordStore => ({
      readChannels: (bedId) => store.readChannels(bedId),
      readAlarmLog: (...args) => store.readAlarmLog(...args),
      readAnnotations: (...args) => store.readAnnotations(...args),
      readWaveformWindow: async (query) => {
        if (++reads === 5) throw error;
        return store.readWaveformWindow(query);
      },
    });
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    const out = join(folder, 'full');
    const query = { bedId: BED, fromMs: startMs, toMs, format: 'wfdb' as const };
    await expect(
      exportBedToFolder(failing(full), query, out, { readWindowMs: 600_000 }),
    ).rejects.toThrow(/the disk is full .*Nothing was kept; free some space/);
    expect(readdirSync(out)).toEqual([]);
    reads = 0;
    await expect(
      exportBedToFolder(failing(new Error('worker gone')), query, out, { readWindowMs: 600_000 }),
    ).rejects.toThrow(ExportError);
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});

describe('an export folder', () => {
  it('refuses a time range with no data, and keeps nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ws-export-empty-'));
    const empty: RecordStore = {
      readChannels: async () => [],
      readAlarmLog: async () => [],
      readAnnotations: async () => [],
      readWaveformWindow: async () => [],
    };
    try {
      await expect(
        exportBedToFolder(empty, { bedId: 'bed-1', fromMs: 0, toMs: 120_000, format: 'csv' }, out),
      ).rejects.toThrow('Bed bed-1 has no stored waveforms between the times given.');
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/** The reference: the whole range read at once, each segment placed at its rounded index. */
async function wholeRecord(
  store: Store,
  query: { bedId: string; fromMs: number; toMs: number },
  gapValue: number,
): Promise<ExportRecord> {
  const channels = await store.readChannels(query.bedId);
  const byKey = new Map<string, ExportRecord['channels'][number]>();
  for (const segment of await store.readWaveformWindow(query)) {
    const key = `${segment.channel}@${segment.rateHz}`;
    let channel = byKey.get(key);
    if (!channel) {
      const known = channels.find((c) => c.channel === segment.channel)!;
      const length = Math.round(((query.toMs - query.fromMs) * segment.rateHz) / 1000);
      channel = {
        key: segment.channel,
        label: known.label,
        unit: known.unit,
        rateHz: segment.rateHz,
        rawPerUnit: 1 / known.scale!,
        baseline: 0,
        samples: new Int32Array(length).fill(gapValue),
      };
      byKey.set(key, channel);
    }
    const at = Math.round(((segment.t0Ms - query.fromMs) * segment.rateHz) / 1000);
    const from = Math.max(0, -at);
    const upTo = Math.min(segment.values.length, channel.samples.length - at);
    if (upTo > from) channel.samples.set(segment.values.subarray(from, upTo), at + from);
  }
  const annotations = (await store.readAnnotations(query.bedId, query.fromMs, query.toMs)).map(
    (a) => ({ timeMs: a.atMs - query.fromMs, code: a.kind.toUpperCase(), text: a.text }),
  );
  return {
    name: 'bed_holter',
    startMs: query.fromMs,
    channels: [...byKey.values()],
    annotations,
  };
}
