// Between the store and the export formats: a bed's stored waveforms, channels and alarm log over a
// time range become records a writer can write; a record read from a file becomes a bed's data.
import { RecordImportError, recordImportPlan } from './record-import-check';
import type { Store } from '../store/client';
import type { AlarmLogRecord } from '../store/records';
import { bedIdFor } from '../beds';
import type { ExportChannel, ExportRecord } from './record';

/** WFDB's "no sample here" value (format 16; format 212's is -2048): fills gaps, never a signal. */
export const GAP_VALUE = -32768;
/** Windows read from the store at a time: bounded memory per read. */
const READ_WINDOW_MS = 10 * 60_000;
/** A longer export is refused: it would not fit in memory as one record. */
export const MAX_EXPORT_MS = 24 * 3_600_000;

export interface ExportQuery {
  bedId: string;
  fromMs: number;
  toMs: number;
  /** Record name (file names): letters, digits and _ only. */
  name: string;
  /** What fills a time with no stored signal (default GAP_VALUE). */
  gapValue?: number;
}

interface Accumulating {
  deviceId: string;
  channel: string;
  rateHz: number;
  samples: Int32Array;
  filled: number;
}

/**
 * The bed's data over [fromMs, toMs) as records: one when the rates of all its channels are
 * whole multiples of the slowest (what WFDB and EDF need), otherwise one per device. Gaps in the
 * stored signal are filled with GAP_VALUE (WFDB's invalid sample), never interpolated.
 */
export async function recordsFromStore(store: Store, query: ExportQuery): Promise<ExportRecord[]> {
  const { bedId, fromMs, toMs } = query;
  if (!(toMs > fromMs)) throw new Error('--to must be after --from.');
  if (toMs - fromMs > MAX_EXPORT_MS) {
    throw new Error(`At most ${MAX_EXPORT_MS / 3_600_000} h can be exported at a time.`);
  }
  const channels = await store.readChannels(bedId);
  const byKey = new Map<string, Accumulating>();
  for (let start = fromMs; start < toMs; start += READ_WINDOW_MS) {
    const end = Math.min(toMs, start + READ_WINDOW_MS);
    for (const segment of await store.readWaveformWindow({ bedId, fromMs: start, toMs: end })) {
      const key = `${segment.deviceId}\u0000${segment.channel}\u0000${segment.rateHz}`;
      let channel = byKey.get(key);
      if (!channel) {
        const length = Math.round(((toMs - fromMs) * segment.rateHz) / 1000);
        channel = {
          deviceId: segment.deviceId,
          channel: segment.channel,
          rateHz: segment.rateHz,
          samples: new Int32Array(length).fill(query.gapValue ?? GAP_VALUE),
          filled: 0,
        };
        byKey.set(key, channel);
      }
      const at = Math.round(((segment.t0Ms - fromMs) * segment.rateHz) / 1000);
      const from = Math.max(0, -at);
      const upTo = Math.min(segment.values.length, channel.samples.length - at);
      if (upTo > from) {
        channel.samples.set(segment.values.subarray(from, upTo), at + from);
        channel.filled += upTo - from;
      }
    }
  }
  if (byKey.size === 0) {
    throw new Error(`Bed ${bedId} has no stored waveforms between the times given.`);
  }
  const alarmLog = await store.readAlarmLog(bedId, fromMs, toMs);
  const annotations = [
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

  const exportChannels = [...byKey.values()].map((c): ExportChannel & { deviceId: string } => {
    const known = channels.find(
      (k) => k.deviceId === c.deviceId && k.channel === c.channel && k.rateHz === c.rateHz,
    );
    const scale = known?.scale ?? null;
    return {
      deviceId: c.deviceId,
      key: c.channel,
      label: known?.label ?? c.channel,
      // Without a public scale the values stay raw counts, and the unit says so.
      unit: scale === null ? 'count' : (known?.unit ?? 'count'),
      rateHz: c.rateHz,
      rawPerUnit: scale === null ? 1 : 1 / scale,
      baseline: 0,
      samples: c.samples,
    };
  });
  const groups = compatible(exportChannels)
    ? [exportChannels]
    : groupBy(exportChannels, (c) => c.deviceId);
  return groups.map((group, i) => ({
    name: groups.length === 1 ? query.name : `${query.name}_${i + 1}`,
    startMs: fromMs,
    channels: group.map(({ deviceId: _device, ...channel }) => channel),
    annotations,
  }));
}

function compatible(channels: readonly ExportChannel[]): boolean {
  const slowest = Math.min(...channels.map((c) => c.rateHz));
  return channels.every((c) => Number.isInteger(c.rateHz / slowest));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

/** Minutes of a channel sent to the store at a time when a record is imported. */
const IMPORT_SLICE_MINUTES = 10;

/**
 * Stores a record (read from WFDB or EDF) as the data of a bed, device `import:<name>`, from
 * `startMs`: its channels with their scale, every sample (written straight as packed rows: the
 * record is whole, so there is nothing to wait for), and its annotations.
 */
export async function storeRecord(
  store: Store,
  record: ExportRecord,
  target: { bedId: string; startMs: number; actor: string },
): Promise<{ deviceId: string; samples: number; annotations: number }> {
  const deviceId = `import:${record.name}`;
  await store.recordChannels(
    record.channels.map((c) => ({
      bedId: target.bedId,
      deviceId,
      channel: c.key,
      label: c.label,
      unit: c.unit,
      rateHz: c.rateHz,
      scale: 1 / c.rawPerUnit,
    })),
  );
  let samples = 0;
  const slices = record.channels.flatMap((channel) => {
    // Whole minutes of samples, so that every packed row but the last holds one minute.
    const slice = Math.max(1, Math.floor(channel.rateHz * 60) * IMPORT_SLICE_MINUTES);
    const starts = [];
    for (let at = 0; at < channel.samples.length; at += slice) starts.push({ channel, at, slice });
    return starts;
  });
  for (const [i, { channel, at, slice }] of slices.entries()) {
    // Baseline removed so that stored raw × scale is the physical value, as for live devices.
    const values = Float64Array.from(
      channel.samples.subarray(at, at + slice),
      (v) => v - channel.baseline,
    );
    // Made durable once, with the last slice.
    await store.storeWaveform(
      {
        bedId: target.bedId,
        deviceId,
        channel: channel.key,
        rateHz: channel.rateHz,
        t0: target.startMs + (at * 1000) / channel.rateHz,
        values,
      },
      { durable: i === slices.length - 1 },
    );
    samples += values.length;
  }
  await store.appendAnnotations(
    record.annotations.map((a) => ({
      bedId: target.bedId,
      atMs: target.startMs + a.timeMs,
      kind: a.code || 'note',
      text: a.text || a.code,
      actor: target.actor,
    })),
  );
  return { deviceId, samples, annotations: record.annotations.length };
}

/** How long a record lasts: its longest channel. */
/**
 * A record loaded as a bed for review (the CLI's `import` and the api's `importRecord`). Without
 * `startMs` it ends now, so it lies within retention. It is checked whole before anything is
 * written (RecordImportError says why not): a refused record leaves the store untouched.
 */
export async function importRecordAsBed(
  store: Store,
  record: ExportRecord,
  target: { bedLabel: string; startMs?: number; actor: string },
): Promise<{
  bedId: string;
  deviceId: string;
  fromMs: number;
  toMs: number;
  samples: number;
  annotations: number;
}> {
  const plan = recordImportPlan(record, target.startMs, Date.now());
  if ('problem' in plan) throw new RecordImportError(plan.problem);
  const { fromMs, toMs } = plan;
  const bedId = bedIdFor(target.bedLabel);
  const stored = await storeRecord(store, record, { bedId, startMs: fromMs, actor: target.actor });
  return { bedId, fromMs, toMs, ...stored };
}

/** One alarm-log entry as an annotation's text: what happened, to what, by whom, and why. */
function alarmLogText(entry: AlarmLogRecord): string {
  const what = entry.priority === null ? entry.event : `${entry.event} ${entry.priority}`;
  const why = entry.reason === null ? '' : ` — ${entry.reason}`;
  return `${what}: ${entry.message} (${entry.actor})${why}`;
}
