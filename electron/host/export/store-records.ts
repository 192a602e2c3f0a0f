// A record read from a file (WFDB, EDF) becomes a bed's data. The other way, a bed's stored data
// out to files, is record-spool.ts (the store read into columns) and export-bed.ts.
import { RecordImportError, recordImportPlan } from './record-import-check';
import type { Store } from '../store/client';
import { bedIdFor } from '../beds';
import type { ExportRecord } from './record';

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
