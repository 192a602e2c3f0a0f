// Whether a VT or VF the first ECG lead shows should be held as probable noise, from what else the
// monitor knows: a second ECG lead, the pleth's pulse, and the leads' signal quality. The rules,
// in order (the first that applies decides):
//
// 1. A clean second lead decides: VT must be seen on it too (≥ 4 of the run's last 5 beats seen
//    there: its own detector found a beat within ±150 ms, or it shows a deflection ≥ half its
//    normal QRS at the beat); VF must look like VF on it too (its own spectral test positive, or no
//    regular beats on it). If it does not: held, "second lead disagrees".
// 2. The first lead is not clean (noisy or saturated, by `SignalQuality`): held, "perfusing pulse"
//    when the pleth shows a regular pulse, else "noisy signal".
// 3. VF with a regular pleth pulse (VF does not perfuse): held, "perfusing pulse".
// Otherwise raised. So a VT seen on two clean leads is never held, nor one on a clean single lead.
// A regular pulse: ≥ 4 pulses in the last 8 s, every interval within ±25 % of their median, the
// last one no older than 2 intervals (plus 2 s: pulses are told late). Pure.

export type LethalCondition = 'vtach' | 'vfib';
export type HoldReason = 'secondLeadDisagrees' | 'noisySignal' | 'perfusingPulse';

/** A VT or VF alarm the first lead called for, held as probable noise. */
export interface HeldAlarm {
  condition: LethalCondition;
  /** Sample index (first lead) at which the alarm would have been raised. */
  sample: number;
  reason: HoldReason;
  /** VT run rate in bpm or VF dominant frequency in Hz, as `RhythmChange.value` would hold. */
  value: number | null;
  /** What the reason rests on, in words, for the alarm log. */
  detail: string;
}

export interface LethalEvidence {
  /** The first lead's signal quality is good (or not judged yet). */
  firstLeadClean: boolean;
  /** The second lead, when there is one and it is clean; absent otherwise. */
  secondLead?: { agrees: boolean; detail: string };
  /** The pleth's pulse is regular now; with its rate. */
  pulse?: { regular: boolean; bpm: number };
}

export const PULSE_WINDOW_MS = 8000;
const PULSE_MIN_COUNT = 4;
const PULSE_SPREAD = 0.25;
/** Pulses reach the analyzer late (the pleth's own detection, 1 s blocks): this much is allowed. */
const PULSE_LAG_MS = 2000;
/** Of a VT run's last beats, how many the second lead must see too. */
export const SECOND_LEAD_RUN_BEATS = 5;
export const SECOND_LEAD_SEEN = 4;

/** The reason to hold a lethal alarm, or null to raise it. */
export function holdReason(
  condition: LethalCondition,
  evidence: LethalEvidence,
): { reason: HoldReason; detail: string } | null {
  const { secondLead, pulse } = evidence;
  if (secondLead) {
    return secondLead.agrees ? null : { reason: 'secondLeadDisagrees', detail: secondLead.detail };
  }
  const pulseDetail = pulse ? `regular pleth pulse at ${Math.round(pulse.bpm)} /min` : '';
  if (!evidence.firstLeadClean) {
    return pulse?.regular
      ? { reason: 'perfusingPulse', detail: `${pulseDetail} while the ECG is noisy` }
      : { reason: 'noisySignal', detail: 'the ECG lead is noisy and no second lead is clean' };
  }
  if (condition === 'vfib' && pulse?.regular)
    return { reason: 'perfusingPulse', detail: pulseDetail };
  return null;
}

/** Whether pulses (sample indices, increasing) in the window before `now` are regular. */
export function regularPulse(
  pulses: readonly number[],
  now: number,
  rateHz: number,
): { regular: boolean; bpm: number } | undefined {
  const window = (PULSE_WINDOW_MS * rateHz) / 1000;
  const recent = pulses.filter((p) => p > now - window && p <= now);
  if (recent.length < 2) return undefined;
  const intervals = recent.slice(1).map((p, i) => p - recent[i]!);
  const sorted = [...intervals].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  const bpm = (60 * rateHz) / median;
  const regular =
    recent.length >= PULSE_MIN_COUNT &&
    intervals.every((d) => Math.abs(d - median) <= PULSE_SPREAD * median) &&
    now - recent[recent.length - 1]! <= 2 * median + (PULSE_LAG_MS * rateHz) / 1000;
  return { regular, bpm };
}
