// What a strip prints of a bed: which stored channels become traces (ECG leads first, at most two,
// then one pleth and one respiration trace) and which numerics, in the order a nurse reads them.
// The workstation's strips (electron/host/strips/strip-printer.ts) and the central server's for a
// remote clinician (server/telehealth/viewer-strip.ts) print the same. Pure.
import { MDC } from '../codes/mdc';
import type { StripNumeric, StripTrace, TraceKind } from './strip-layout';

/** A recorded channel as a strip needs it. */
export interface StripChannel {
  deviceId: string;
  channel: string;
  label: string;
  unit: string;
  rateHz: number;
  /** Physical units per raw count, or null when the device's scale is not public. */
  scale: number | null;
}

/** Samples of one channel without a gap: sample k was taken at t0Ms + k * 1000 / rateHz. */
export interface StripSegment {
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  values: ArrayLike<number>;
}

/** ECG leads first (at most two), then one pleth and one respiration trace. */
const MAX_TRACES: Record<TraceKind, number> = { ecg: 2, pleth: 1, resp: 1 };
const KIND_ORDER: TraceKind[] = ['ecg', 'pleth', 'resp'];
const ECG_LEAD = /^(I|II|III|aVR|aVL|aVF|V[1-6]|MLII|MLI|MLIII|ML[1-3]|MV[1-6])$/i;

/** What a stored channel is on paper, or null when a strip does not print it. */
export function traceKindOf(channel: Pick<StripChannel, 'channel' | 'label'>): TraceKind | null {
  const names = `${channel.channel} ${channel.label}`;
  if (/ECG|EKG/i.test(names) || ECG_LEAD.test(channel.channel) || ECG_LEAD.test(channel.label)) {
    return 'ecg';
  }
  if (/PLETH|PPG/i.test(names)) return 'pleth';
  if (/RESP|IMPED|BIOZ/i.test(names)) return 'resp';
  return null;
}

/** The stored segments grouped into printable traces, in paper order. */
export function stripTraces(
  channels: readonly StripChannel[],
  segments: readonly StripSegment[],
): StripTrace[] {
  const traces = new Map<string, StripTrace>();
  for (const segment of segments) {
    const key = `${segment.deviceId}\u0000${segment.channel}\u0000${segment.rateHz}`;
    let trace = traces.get(key);
    if (!trace) {
      const known = channels.find(
        (c) =>
          c.deviceId === segment.deviceId &&
          c.channel === segment.channel &&
          c.rateHz === segment.rateHz,
      );
      const kind = traceKindOf(known ?? { channel: segment.channel, label: segment.channel });
      if (kind === null) continue;
      trace = {
        kind,
        label: known?.label ?? segment.channel,
        unit: known?.unit ?? '{count}',
        scale: known?.scale ?? null,
        rateHz: segment.rateHz,
        segments: [],
      };
      traces.set(key, trace);
    }
    (trace.segments as { t0Ms: number; values: ArrayLike<number> }[]).push(segment);
  }
  // In the order the device declares its channels (its main pleth before a second wavelength).
  const rank = (key: string) => {
    const at = channels.findIndex(
      (c) => `${c.deviceId}\u0000${c.channel}\u0000${c.rateHz}` === key,
    );
    return at === -1 ? channels.length : at;
  };
  const ordered = [...traces].sort(([a], [b]) => rank(a) - rank(b)).map(([, trace]) => trace);
  return KIND_ORDER.flatMap((kind) =>
    ordered.filter((t) => t.kind === kind).slice(0, MAX_TRACES[kind]),
  );
}

/** The numerics a strip prints, in the order a nurse reads them on the monitor. */
export const PRINTED_NUMERICS = [
  'MDC_ECG_HEART_RATE',
  'MDC_PULS_OXIM_SAT_O2',
  'MDC_PULS_OXIM_PULS_RATE',
  'MDC_RESP_RATE',
  'MDC_PRESS_BLD_NONINV_SYS',
  'MDC_PRESS_BLD_NONINV_DIA',
  'MDC_TEMP_BODY',
] as const;

/** The printed numerics among `numerics` (keyed by MDC reference id), labelled for paper. */
export function stripNumerics(
  numerics: Readonly<Record<string, { value: number }>>,
): StripNumeric[] {
  return PRINTED_NUMERICS.flatMap((refId) => {
    const numeric = numerics[refId];
    if (!numeric) return [];
    const term = MDC[refId];
    return [{ label: term.label, value: numeric.value, unit: term.screenUnit }];
  });
}
