// A bed's stored waveforms over a time range, read from the store one window at a time into a
// column per channel: in memory for short records, one file per channel for long ones. Formats
// that need each channel's length and range before their first byte (EDF's scaling, WFDB's
// range check) are then written a piece at a time from the columns. Each window is one small
// request to the store's worker, so live ingest is served between them.

import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/client';
import type { AlarmLogRecord } from '../store/records';
import type { WaveformSegment } from '../store/queries';
import type { ExportAnnotation } from './record';
import { ChannelStats, type SampleSource, type SourceChannel } from './sample-source';

/** WFDB's "no sample here" value (format 16; format 212's is -2048): fills gaps, never a signal. */
export const GAP_VALUE = -32768;
/** Store reads of this long at a time: bounded memory per read, and short worker requests. */
export const DEFAULT_READ_WINDOW_MS = 5 * 60_000;
/** Largest run of gap values written to a column at once. */
const GAP_BLOCK = 1 << 20;

/** What an export reads from the store (all of it through the store's read functions). */
export type RecordStore = Pick<
  Store,
  'readWaveformWindow' | 'readChannels' | 'readAlarmLog' | 'readAnnotations'
>;

export interface ExportQuery {
  bedId: string;
  fromMs: number;
  toMs: number;
  /** Record name (file names): letters, digits and _ only. */
  name: string;
  /** What fills a time with no stored signal (default GAP_VALUE). */
  gapValue?: number;
}

export interface SpoolOptions {
  /** Milliseconds of the record read from the store at a time (default 5 minutes). */
  readWindowMs?: number;
  /** Stops the reading between windows (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Told how much of the time range has been read, 0..1, after each window. */
  onProgress?: (fraction: number) => void;
}

/** Where the samples of each channel are kept between reading and writing. */
export interface ChannelColumns {
  /** Starts column `index`, which will hold `length` samples. */
  open(index: number, length: number): Promise<void>;
  /** Adds samples at the end of column `index`. */
  append(index: number, values: Int32Array): Promise<void>;
  /** Samples [from, from + count) of column `index` (the caller keeps within its length). */
  read(index: number, from: number, count: number): Int32Array;
  close(): Promise<void>;
}

/** Columns held in memory, each allocated once at its full length. */
export function memoryColumns(): ChannelColumns & { column(index: number): Int32Array } {
  const columns: { samples: Int32Array; filled: number }[] = [];
  return {
    open: async (index, length) => {
      columns[index] = { samples: new Int32Array(length), filled: 0 };
    },
    append: async (index, values) => {
      const column = columns[index]!;
      column.samples.set(values, column.filled);
      column.filled += values.length;
    },
    read: (index, from, count) => columns[index]!.samples.subarray(from, from + count),
    column: (index) => columns[index]!.samples,
    close: async () => {},
  };
}

/** Columns kept as files of 32-bit samples in `folder` (which the caller creates and removes). */
export function fileColumns(folder: string): ChannelColumns {
  const files: { handle: FileHandle; written: number }[] = [];
  return {
    open: async (index, _length) => {
      files[index] = { handle: await open(join(folder, `${index}.i32`), 'w+'), written: 0 };
    },
    append: async (index, values) => {
      const file = files[index]!;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await file.handle.write(bytes, done, bytes.length - done);
        done += bytesWritten;
      }
      file.written += values.length;
    },
    read: (index, from, count) => {
      const file = files[index]!;
      const samples = new Int32Array(Math.max(0, Math.min(count, file.written - from)));
      const bytes = new Uint8Array(samples.buffer);
      let done = 0;
      while (done < bytes.length) {
        const read = readSync(file.handle.fd, bytes, done, bytes.length - done, from * 4 + done);
        if (read === 0) throw new Error(`export column ${index} ends early`);
        done += read;
      }
      return samples;
    },
    close: async () => {
      await Promise.all(files.map((file) => file?.handle.close()));
    },
  };
}

interface Column {
  index: number;
  deviceId: string;
  channel: string;
  rateHz: number;
  /** Samples the record holds for this channel. */
  length: number;
  written: number;
  /** Samples read in one window that belong to the next (their rounded index is past its end). */
  carried: WaveformSegment[];
  stats: ChannelStats;
}

/**
 * The bed's data over [fromMs, toMs) as sample sources: one when the rates of all its channels
 * are whole multiples of the slowest (what WFDB and EDF need), otherwise one per device. Sample
 * n of a channel at R Hz is the one taken nearest fromMs + n / R; gaps in the stored signal are
 * filled with the gap value (WFDB's invalid sample), never interpolated.
 */
export async function spoolStoredRecord(
  store: RecordStore,
  query: ExportQuery,
  columns: ChannelColumns,
  options: SpoolOptions = {},
): Promise<SampleSource[]> {
  const { bedId, fromMs, toMs } = query;
  if (!(toMs > fromMs)) throw new Error('--to must be after --from.');
  const gapValue = query.gapValue ?? GAP_VALUE;
  const windowMs = Math.max(1000, options.readWindowMs ?? DEFAULT_READ_WINDOW_MS);
  const byKey = new Map<string, Column>();
  const indexOf = (ms: number, rateHz: number) => Math.round(((ms - fromMs) * rateHz) / 1000);

  async function writeGap(column: Column, upTo: number): Promise<void> {
    while (column.written < upTo) {
      const gap = new Int32Array(Math.min(GAP_BLOCK, upTo - column.written)).fill(gapValue);
      column.stats.add(gap);
      await columns.append(column.index, gap);
      column.written += gap.length;
    }
  }

  // Windows on multiples of windowMs, as the store packs its rows by the minute: each read then
  // decodes only the rows it returns. The next window is asked for while this one is spooled.
  const windows: [number, number][] = [];
  for (let start = fromMs; start < toMs;) {
    const end = Math.min(toMs, (Math.floor(start / windowMs) + 1) * windowMs);
    windows.push([start, end]);
    start = end;
  }
  const read = (w: number) => {
    const [start, end] = windows[w]!;
    const reading = store.readWaveformWindow({ bedId, fromMs: start, toMs: end });
    reading.catch(() => {}); // awaited below, unless an earlier window failed first
    return reading;
  };
  let next = read(0);
  for (const [w, [windowStart, windowEnd]] of windows.entries()) {
    options.signal?.throwIfAborted();
    const segments = await next;
    if (w + 1 < windows.length) next = read(w + 1);
    const segmentsOf = new Map<Column, WaveformSegment[]>();
    for (const segment of segments) {
      const key = `${segment.deviceId}\u0000${segment.channel}\u0000${segment.rateHz}`;
      let column = byKey.get(key);
      if (!column) {
        column = {
          index: byKey.size,
          deviceId: segment.deviceId,
          channel: segment.channel,
          rateHz: segment.rateHz,
          length: indexOf(toMs, segment.rateHz),
          written: 0,
          carried: [],
          stats: new ChannelStats(),
        };
        byKey.set(key, column);
        await columns.open(column.index, column.length);
      }
      const list = segmentsOf.get(column);
      if (list) list.push(segment);
      else segmentsOf.set(column, [segment]);
    }
    for (const column of byKey.values()) {
      // A channel first seen now has nothing before this window.
      await writeGap(column, Math.min(column.length, indexOf(windowStart, column.rateHz)));
      const first = column.written;
      const end =
        windowEnd === toMs
          ? column.length
          : Math.min(column.length, indexOf(windowEnd, column.rateHz));
      const carried = column.carried;
      column.carried = [];
      if (end <= first) continue;
      const samples = new Int32Array(end - first).fill(gapValue);
      for (const segment of [...carried, ...(segmentsOf.get(column) ?? [])]) {
        const at = indexOf(segment.t0Ms, segment.rateHz);
        const from = Math.max(0, first - at);
        const upTo = Math.min(segment.values.length, end - at);
        if (upTo > from) samples.set(segment.values.subarray(from, upTo), at + from - first);
        // Samples taken within half a period of the window's end belong to the next window.
        if (upTo < segment.values.length && windowEnd < toMs) {
          const rest = Math.max(upTo, from);
          column.carried.push({
            ...segment,
            t0Ms: segment.t0Ms + (rest * 1000) / segment.rateHz,
            values: segment.values.subarray(rest),
          });
        }
      }
      column.stats.add(samples);
      await columns.append(column.index, samples);
      column.written = end;
    }
    options.onProgress?.((windowEnd - fromMs) / (toMs - fromMs));
  }
  if (byKey.size === 0) {
    throw new Error(`Bed ${bedId} has no stored waveforms between the times given.`);
  }
  const annotations = await storedAnnotations(store, bedId, fromMs, toMs);
  const known = await store.readChannels(bedId);
  const described = [...byKey.values()].map((c) => {
    const record = known.find(
      (k) => k.deviceId === c.deviceId && k.channel === c.channel && k.rateHz === c.rateHz,
    );
    const scale = record?.scale ?? null;
    const channel: SourceChannel = {
      key: c.channel,
      label: record?.label ?? c.channel,
      // Without a public scale the values stay raw counts, and the unit says so.
      unit: scale === null ? 'count' : (record?.unit ?? 'count'),
      rateHz: c.rateHz,
      rawPerUnit: scale === null ? 1 : 1 / scale,
      baseline: 0,
      length: c.length,
      min: c.stats.min,
      max: c.stats.max,
      checksum: c.stats.checksum,
    };
    return { column: c, channel };
  });
  const groups = compatible(described.map((d) => d.channel.rateHz))
    ? [described]
    : groupBy(described, (d) => d.column.deviceId);
  return groups.map((group, i) => ({
    name: groups.length === 1 ? query.name : `${query.name}_${i + 1}`,
    startMs: fromMs,
    channels: group.map((d) => d.channel),
    annotations,
    read: (index, from, count) => {
      const { column } = group[index]!;
      const start = Math.min(from, column.length);
      return columns.read(column.index, start, Math.max(0, Math.min(count, column.length - start)));
    },
  }));
}

/** The alarm log and annotations over the range, as annotations from the record's start. */
async function storedAnnotations(
  store: RecordStore,
  bedId: string,
  fromMs: number,
  toMs: number,
): Promise<ExportAnnotation[]> {
  const alarmLog = await store.readAlarmLog(bedId, fromMs, toMs);
  return [
    ...alarmLog.map((entry) => ({
      timeMs: entry.atMs - fromMs,
      code: entry.code.replace(/[^A-Z0-9_]/gi, '_').toUpperCase(),
      text: alarmLogText(entry),
    })),
    ...(await store.readAnnotations(bedId, fromMs, toMs)).map((a) => ({
      timeMs: a.atMs - fromMs,
      code: a.kind.replace(/[^A-Z0-9_]/gi, '_').toUpperCase(),
      text: a.text,
    })),
  ].sort((a, b) => a.timeMs - b.timeMs);
}

function compatible(rates: readonly number[]): boolean {
  const slowest = Math.min(...rates);
  return rates.every((rate) => Number.isInteger(rate / slowest));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

/** One alarm-log entry as an annotation's text: what happened, to what, by whom, and why. */
function alarmLogText(entry: AlarmLogRecord): string {
  const what = entry.priority === null ? entry.event : `${entry.event} ${entry.priority}`;
  const why = entry.reason === null ? '' : ` — ${entry.reason}`;
  return `${what}: ${entry.message} (${entry.actor})${why}`;
}
