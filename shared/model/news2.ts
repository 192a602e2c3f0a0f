// NEWS2, the National Early Warning Score 2 (Royal College of Physicians, 2017): seven
// parameters scored 0–3 by the chart's bands, summed, and the sum's clinical response. Pure: the
// host feeds it the latest monitored vitals and what the nurse recorded at the bed (air or
// oxygen, ACVPU), the screens show it. A parameter not measured is missing, never scored as
// normal: the score is then incomplete, and what is known is a lower bound of it.
//
// The chart records whole numbers for respiration rate, SpO₂, systolic pressure and pulse and one
// decimal for temperature, so a device's value is rounded that way before it meets a band edge.
import { z } from 'zod';

export type News2Parameter =
  | 'respirationRate'
  | 'spo2'
  | 'airOrOxygen'
  | 'systolicBp'
  | 'pulse'
  | 'consciousness'
  | 'temperature';

export const NEWS2_PARAMETERS: readonly News2Parameter[] = [
  'respirationRate',
  'spo2',
  'airOrOxygen',
  'systolicBp',
  'pulse',
  'consciousness',
  'temperature',
];

/** ACVPU: alert, new confusion, responds to voice, to pain, unresponsive. */
export type Acvpu = 'A' | 'C' | 'V' | 'P' | 'U';

export interface News2Inputs {
  /** Breaths per minute. */
  respirationRate: number | null;
  /** Per cent. */
  spo2: number | null;
  /**
   * 1 for most patients; 2 for hypercapnic respiratory failure with a prescribed target of
   * 88–92 %, as a clinician chose it for this patient.
   */
  spo2Scale: 1 | 2;
  /** Supplemental oxygen (true) or air (false); null when nobody recorded it. */
  onOxygen: boolean | null;
  /** mmHg. */
  systolicBp: number | null;
  /** Beats per minute. */
  pulse: number | null;
  consciousness: Acvpu | null;
  /** °C. */
  temperature: number | null;
}

/** The clinical response the RCP chart gives a score. */
export type News2Band = 'low' | 'low-medium' | 'medium' | 'high';

export interface News2Part {
  parameter: News2Parameter;
  /** The value as scored (rounded as the chart records it). */
  value: number | boolean | Acvpu;
  score: 0 | 1 | 2 | 3;
}

export interface News2Result {
  /** Every parameter scored. */
  complete: boolean;
  /** The sum when complete; null when a parameter is missing. */
  total: number | null;
  /** The sum of the parameters scored: the total when complete, a lower bound of it when not. */
  atLeast: number;
  parts: News2Part[];
  missing: News2Parameter[];
  /** The response for what is known (a lower bound when incomplete); null when nothing is. */
  band: News2Band | null;
}

type Score = 0 | 1 | 2 | 3;

/** The first band whose upper edge (inclusive) holds the value. */
function byUpperEdges(value: number, edges: readonly [number, Score][], above: Score): Score {
  for (const [upTo, score] of edges) if (value <= upTo) return score;
  return above;
}

export function respirationRateScore(perMin: number): Score {
  return byUpperEdges(
    Math.round(perMin),
    [
      [8, 3],
      [11, 1],
      [20, 0],
      [24, 2],
    ],
    3,
  );
}

export function spo2Scale1Score(percent: number): Score {
  return byUpperEdges(
    Math.round(percent),
    [
      [91, 3],
      [93, 2],
      [95, 1],
    ],
    0,
  );
}

/**
 * Scale 2: 88–92 % scores 0, and so does 93 % or more on air; on oxygen, 93 % and above scores
 * as too much oxygen. Null when 93 % or more and nobody recorded air or oxygen.
 */
export function spo2Scale2Score(percent: number, onOxygen: boolean | null): Score | null {
  const spo2 = Math.round(percent);
  if (spo2 <= 92) {
    return byUpperEdges(
      spo2,
      [
        [83, 3],
        [85, 2],
        [87, 1],
      ],
      0,
    );
  }
  if (onOxygen === null) return null;
  if (!onOxygen) return 0;
  return byUpperEdges(
    spo2,
    [
      [94, 1],
      [96, 2],
    ],
    3,
  );
}

export function systolicScore(mmHg: number): Score {
  return byUpperEdges(
    Math.round(mmHg),
    [
      [90, 3],
      [100, 2],
      [110, 1],
      [219, 0],
    ],
    3,
  );
}

export function pulseScore(perMin: number): Score {
  return byUpperEdges(
    Math.round(perMin),
    [
      [40, 3],
      [50, 1],
      [90, 0],
      [110, 1],
      [130, 2],
    ],
    3,
  );
}

export function temperatureScore(celsius: number): Score {
  return byUpperEdges(
    Math.round(celsius * 10) / 10,
    [
      [35.0, 3],
      [36.0, 1],
      [38.0, 0],
      [39.0, 1],
    ],
    2,
  );
}

export function consciousnessScore(level: Acvpu): Score {
  return level === 'A' ? 0 : 3;
}

/** The RCP response for a sum, and whether any one parameter scored 3. */
export function news2Band(total: number, anyThree: boolean): News2Band {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  if (anyThree) return 'low-medium';
  return 'low';
}

const known = (value: number | null): value is number =>
  value !== null && Number.isFinite(value) && value >= 0;

export function scoreNews2(inputs: News2Inputs): News2Result {
  const parts: News2Part[] = [];
  const missing: News2Parameter[] = [];
  const add = (parameter: News2Parameter, value: News2Part['value'], score: Score | null) => {
    if (score === null) missing.push(parameter);
    else parts.push({ parameter, value, score });
  };
  const { respirationRate, spo2, onOxygen, systolicBp, pulse, consciousness, temperature } = inputs;
  if (known(respirationRate)) {
    add('respirationRate', Math.round(respirationRate), respirationRateScore(respirationRate));
  } else missing.push('respirationRate');
  if (known(spo2)) {
    const score = inputs.spo2Scale === 2 ? spo2Scale2Score(spo2, onOxygen) : spo2Scale1Score(spo2);
    add('spo2', Math.round(spo2), score);
  } else missing.push('spo2');
  if (onOxygen === null) missing.push('airOrOxygen');
  else add('airOrOxygen', onOxygen, onOxygen ? 2 : 0);
  if (known(systolicBp)) add('systolicBp', Math.round(systolicBp), systolicScore(systolicBp));
  else missing.push('systolicBp');
  if (known(pulse)) add('pulse', Math.round(pulse), pulseScore(pulse));
  else missing.push('pulse');
  if (consciousness === null) missing.push('consciousness');
  else add('consciousness', consciousness, consciousnessScore(consciousness));
  if (known(temperature)) {
    add('temperature', Math.round(temperature * 10) / 10, temperatureScore(temperature));
  } else missing.push('temperature');

  const atLeast = parts.reduce((sum, part) => sum + part.score, 0);
  const complete = missing.length === 0;
  return {
    complete,
    total: complete ? atLeast : null,
    atLeast,
    parts,
    missing,
    band:
      parts.length === 0
        ? null
        : news2Band(
            atLeast,
            parts.some((part) => part.score === 3),
          ),
  };
}

/** A vital as the bed last had it. */
export interface LatestVital {
  value: number;
  atMs: number;
}

/** What the nurse recorded at the bed for NEWS2, each with when. */
export interface News2Entries {
  spo2Scale: 1 | 2;
  onOxygen: { value: boolean; atMs: number } | null;
  consciousness: { value: Acvpu; atMs: number } | null;
  /** A temperature taken by hand; the newer of it and a device's counts. */
  temperature?: { value: number; atMs: number } | null;
}

/**
 * How old a value may be and still count. Continuous vitals stop counting a few minutes after
 * their sensor stops (a probe off is not a normal SpO₂); non-invasive pressure is cycled, often
 * every 15–60 min; temperature and the nurse's observations are the RCP chart's 4-hourly round.
 */
export const NEWS2_MAX_AGE_MS: Record<News2Parameter, number> = {
  respirationRate: 5 * 60_000,
  spo2: 5 * 60_000,
  pulse: 5 * 60_000,
  systolicBp: 60 * 60_000,
  temperature: 4 * 3_600_000,
  airOrOxygen: 4 * 3_600_000,
  consciousness: 4 * 3_600_000,
};

/**
 * A value stamped this far past `nowMs` still counts (a reading taken between the moment `nowMs`
 * was read and the scoring); beyond, the clock jumped and it is missing.
 */
export const NEWS2_CLOCK_SLACK_MS = 5_000;

/** The monitored codes each vital comes from, in order of preference. */
export const NEWS2_CODES = {
  respirationRate: ['MDC_RESP_RATE'],
  spo2: ['MDC_PULS_OXIM_SAT_O2'],
  pulse: ['MDC_ECG_HEART_RATE', 'MDC_PULS_OXIM_PULS_RATE'],
  systolicBp: ['MDC_PRESS_BLD_NONINV_SYS'],
  temperature: ['MDC_TEMP_BODY'],
} as const;

/**
 * NEWS2's inputs from a bed's latest numerics (by MDC reference id) and the nurse's entries at
 * `nowMs`: a value older than its NEWS2_MAX_AGE_MS is missing, and so is one from the future
 * (a clock that jumped), never kept as if current.
 */
export function news2InputsFrom(
  latest: ReadonlyMap<string, LatestVital>,
  entries: News2Entries,
  nowMs: number,
): News2Inputs {
  const fresh = (parameter: News2Parameter, atMs: number) =>
    atMs <= nowMs + NEWS2_CLOCK_SLACK_MS && nowMs - atMs <= NEWS2_MAX_AGE_MS[parameter];
  const vital = (parameter: keyof typeof NEWS2_CODES): number | null => {
    for (const code of NEWS2_CODES[parameter]) {
      const seen = latest.get(code);
      if (seen && fresh(parameter, seen.atMs)) return seen.value;
    }
    return null;
  };
  const { onOxygen, consciousness } = entries;
  return {
    respirationRate: vital('respirationRate'),
    spo2: vital('spo2'),
    spo2Scale: entries.spo2Scale,
    onOxygen: onOxygen && fresh('airOrOxygen', onOxygen.atMs) ? onOxygen.value : null,
    systolicBp: vital('systolicBp'),
    pulse: vital('pulse'),
    consciousness:
      consciousness && fresh('consciousness', consciousness.atMs) ? consciousness.value : null,
    temperature: newestTemperature(latest, entries.temperature ?? null, fresh),
  };
}

function newestTemperature(
  latest: ReadonlyMap<string, LatestVital>,
  byHand: { value: number; atMs: number } | null,
  fresh: (parameter: News2Parameter, atMs: number) => boolean,
): number | null {
  let best: LatestVital | null = null;
  const candidates = [...NEWS2_CODES.temperature.map((code) => latest.get(code)), byHand];
  for (const seen of candidates) {
    if (seen && fresh('temperature', seen.atMs) && (!best || seen.atMs > best.atMs)) best = seen;
  }
  return best ? best.value : null;
}

// ---- as it crosses the api ----

export const Acvpu = z.enum(['A', 'C', 'V', 'P', 'U']);
export const News2ParameterName = z.enum(NEWS2_PARAMETERS as [News2Parameter, ...News2Parameter[]]);
export const News2BandName = z.enum(['low', 'low-medium', 'medium', 'high']);
export const Spo2Scale = z.union([z.literal(1), z.literal(2)]);

/** One of the nurse's observations as kept for the stay: the value, who recorded it and when. */
const Recorded = <T extends z.ZodType>(value: T) =>
  z.object({ value, by: z.string(), atMs: z.number() }).nullable();

/**
 * What the nurse recorded at the bed for NEWS2 during this stay, the newest of each (whatever its
 * age: the score itself says when one is too old to count).
 */
export const News2Recorded = z.object({
  spo2Scale: Recorded(Spo2Scale),
  onOxygen: Recorded(z.boolean()),
  consciousness: Recorded(Acvpu),
  /** °C, taken by hand (a device's temperature, when fresh, is used first). */
  temperature: Recorded(z.number()),
});
export type News2Recorded = z.infer<typeof News2Recorded>;

/** A bed's NEWS2 now: the score, its parts, what is missing, and what the nurse recorded. */
export const News2Status = z.object({
  /** When it was scored (UTC ms). */
  atMs: z.number(),
  complete: z.boolean(),
  total: z.number().int().nullable(),
  atLeast: z.number().int().nonnegative(),
  band: News2BandName.nullable(),
  parts: z.array(
    z.object({
      parameter: News2ParameterName,
      value: z.union([z.number(), z.boolean(), Acvpu]),
      score: z.number().int().min(0).max(3),
    }),
  ),
  missing: z.array(News2ParameterName),
  spo2Scale: Spo2Scale,
  recorded: News2Recorded,
});
export type News2Status = z.infer<typeof News2Status>;

/** What a nurse records at the bed: any of the four, at least one. */
export const News2Observation = z
  .object({
    spo2Scale: Spo2Scale.optional(),
    onOxygen: z.boolean().optional(),
    consciousness: Acvpu.optional(),
    /** °C, kept to one decimal as the chart records it. */
    temperature: z
      .number()
      .min(25)
      .max(45)
      .transform((celsius) => Math.round(celsius * 10) / 10)
      .optional(),
  })
  .strict()
  .refine((o) => Object.values(o).some((v) => v !== undefined), {
    message: 'record at least one of SpO₂ scale, air or oxygen, consciousness, temperature',
  });
export type News2Observation = z.infer<typeof News2Observation>;

export const NOTHING_RECORDED: News2Recorded = {
  spo2Scale: null,
  onOxygen: null,
  consciousness: null,
  temperature: null,
};

/** What was recorded, after one more recording (of any of the four) by `by` at `atMs`. */
export function withObservation(
  before: News2Recorded,
  observation: News2Observation,
  by: string,
  atMs: number,
): News2Recorded {
  const at = { by, atMs };
  const { spo2Scale, onOxygen, consciousness, temperature } = observation;
  return {
    spo2Scale: spo2Scale !== undefined ? { value: spo2Scale, ...at } : before.spo2Scale,
    onOxygen: onOxygen !== undefined ? { value: onOxygen, ...at } : before.onOxygen,
    consciousness:
      consciousness !== undefined ? { value: consciousness, ...at } : before.consciousness,
    temperature: temperature !== undefined ? { value: temperature, ...at } : before.temperature,
  };
}

/** A score's parts and what is missing, as one line for an alarm or a log ("RR 26 (3), …"). */
export const NEWS2_SHORT_NAMES: Record<News2Parameter, string> = {
  respirationRate: 'RR',
  spo2: 'SpO₂',
  airOrOxygen: 'O₂',
  systolicBp: 'Sys BP',
  pulse: 'Pulse',
  consciousness: 'ACVPU',
  temperature: 'Temp',
};
