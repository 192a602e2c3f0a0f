// A recorded patient through the workstation's signals and alarm system, as if live: one lead of
// ECG (and the record's pleth and respiration, where it has them) in 1 s blocks, the computed
// rates, rhythms and signal quality into an alarm system with the given limits, its clock the
// record's own time. Used by `workstation alarms --wfdb` and the rhythm-alarm evaluation.
import type { ExportRecord } from '../export/record';
import { BedSignals, signalKindOf } from '../signals/bed-signals';
import type { SignalKind } from './conditions';
import { AlarmSystem, type AlarmLogEntry } from './alarm-system';
import { ADULT_DEFAULTS, type AlarmSettings } from './limits';

const BLOCK_MS = 1000;
const BED = 'replay';
const DEVICE = 'record';

/** The channel key a live driver would give this signal, so the live processing picks it up. */
const LIVE_KEY: Record<SignalKind, string> = {
  ecg: 'MDC_ECG_ELEC_POTL_II',
  pleth: 'MDC_PULS_OXIM_PLETH',
  resp: 'MDC_IMPED_TTHOR',
};

/** Which signal a recorded channel is, from its key or label (PhysioNet labels: PLETH, RESP). */
function recordedKind(key: string, label: string): SignalKind | null {
  const known = signalKindOf(key);
  if (known) return known;
  const name = label.toUpperCase();
  if (/PLETH|PPG/.test(name)) return 'pleth';
  if (/^RESP|IMPEDANCE/.test(name)) return 'resp';
  return null;
}

export interface ReplayOptions {
  /** The ECG lead (signal number); other ECG leads are left out. */
  lead?: number;
  settings?: AlarmSettings;
  /** Called with each alarm-log entry as it happens; `at` is ms from the record's start. */
  onEntry(entry: AlarmLogEntry): void;
}

export function replayRecord(record: ExportRecord, options: ReplayOptions): void {
  const lead = options.lead ?? 0;
  const ecg = record.channels[lead];
  if (!ecg) {
    throw new Error(
      `${record.name} has ${record.channels.length} signals (0–${record.channels.length - 1}); there is no lead ${lead}`,
    );
  }
  const feeds = [{ channel: ecg, key: LIVE_KEY.ecg }];
  for (const channel of record.channels) {
    const kind = recordedKind(channel.key, channel.label);
    if (kind && kind !== 'ecg') feeds.push({ channel, key: LIVE_KEY[kind] });
  }
  let n = 0;
  const alarms = new AlarmSystem(BED, options.settings ?? ADULT_DEFAULTS, () => `alarm-${++n}`);
  const drain = () => alarms.drainLog().forEach(options.onEntry);
  const signals = new BedSignals({
    numeric: ({ refId, value, at }) => alarms.observeNumeric(refId, value, at, DEVICE),
    rhythm: (_bed, rhythm, active, at, value) =>
      alarms.observeRhythm(rhythm, active, at, value, 'workstation'),
    quality: (_bed, signal, state, at) => alarms.observeSignalQuality(signal, state, at, DEVICE),
  });
  const durationMs = Math.max(
    ...feeds.map(({ channel }) => (channel.samples.length * 1000) / channel.rateHz),
  );
  for (let t = 0; t < durationMs; t += BLOCK_MS) {
    for (const { channel, key } of feeds) {
      const from = Math.round((t * channel.rateHz) / 1000);
      const to = Math.min(
        channel.samples.length,
        Math.round(((t + BLOCK_MS) * channel.rateHz) / 1000),
      );
      if (to <= from) continue;
      signals.push({
        bedId: BED,
        deviceId: DEVICE,
        channel: key,
        rateHz: channel.rateHz,
        t0: (from * 1000) / channel.rateHz,
        values: Array.from(channel.samples.subarray(from, to)),
      });
    }
    alarms.tick(t + BLOCK_MS);
    drain();
  }
}
