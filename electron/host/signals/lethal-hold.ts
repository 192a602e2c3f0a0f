// Whether a VT or VF the first ECG lead shows should be held as probable noise, from what else the
// monitor knows: the first lead's signal quality, a second ECG lead, and the pleth's pulse.
//
// A first lead whose quality is good (`SignalQuality`: not noisy, not saturated) is never
// overruled: its VT or VF is raised whatever the second lead or the pleth shows. A second lead
// can miss a true VT (on MIT-BIH 223 it saw none of the last 5 beats of a VT run) or show regular
// beats while the first lead shows a VF (MIT-BIH 203), and a pulse is told seconds late, so it
// can seem to go on while the heart has stopped. Noise that makes false VT (muscle tremor,
// clipping) is what the quality index sees, so only then is the other evidence asked, in order
// (the first that applies decides):
//
// 1. A clean second lead decides: VT must be seen on it too (≥ 4 of the run's last 5 beats seen
//    there: its own detector found a beat within ±150 ms, or it shows a deflection ≥ half its
//    normal QRS at the beat); VF must look like VF on it too (its own spectral test positive, or no
//    regular beats on it). If it does not: held, "second lead disagrees".
// 2. A regular pleth pulse: held, "perfusing pulse".
// 3. Otherwise held, "noisy signal": a noisy lead alone cannot tell a VT from noise.
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
  /**
   * The first lead's signal quality is good: not noisy and not saturated (a flat lead or one not
   * judged yet counts as clean: neither can make a VT or VF out of noise).
   */
  firstLeadClean: boolean;
  /** What is wrong with the first lead when it is not clean, in words ("noisy", "saturated"). */
  firstLeadState?: string;
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
  evidence: LethalEvidence,
): { reason: HoldReason; detail: string } | null {
  // A clean first lead is never overruled: a true VT or VF must not wait.
  if (evidence.firstLeadClean) return null;
  const { secondLead, pulse } = evidence;
  const lead = `the ECG lead is ${evidence.firstLeadState ?? 'noisy'}`;
  if (secondLead) {
    return secondLead.agrees
      ? null
      : { reason: 'secondLeadDisagrees', detail: `${lead} and ${secondLead.detail}` };
  }
  if (pulse?.regular) {
    return {
      reason: 'perfusingPulse',
      detail: `${lead} and the pleth shows a regular pulse at ${Math.round(pulse.bpm)} /min`,
    };
  }
  return { reason: 'noisySignal', detail: `${lead} and no second lead is clean` };
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
