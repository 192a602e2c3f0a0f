// The simulated IntelliVue's wave stream: the waves it exports (handle, specification, scale), the
// wave poll results that carry them, and where their values come from (demo recordings, or shapes
// made from the vitals).

import {
  ATTR_SA_SPECN,
  ATTR_SA_VAL_OBS,
  ATTR_SCALE_SPECN_I16,
  ATTR_TIME_PD_SAMP,
  OBJ_CLASS_SAMPLE_ARRAY,
  TICKS_PER_SECOND,
  encodeIntellivueFloat,
  type SampleArraySpec,
  type SampleScale,
} from '../drivers/intellivue-attributes';
import {
  INTELLIVUE_ECG_II,
  INTELLIVUE_PLETH,
  INTELLIVUE_RESP_WAVE,
  INTELLIVUE_WAVES,
} from '../drivers/intellivue-waves';
import type { SimulatedVitals } from '../simulator';
import { PduWriter, pollResultPdu } from './intellivue-pdu-writer';
import type { DemoRecordings } from './recordings';

/** Wave values at a time since the wave stream began: ECG in mV, pleth and respiration 0..1. */
export interface IntellivueWaveSource {
  ecgMv(seconds: number): number;
  pleth(seconds: number): number;
  resp(seconds: number): number;
}

/** One wave as the simulated monitor exports it: object handle, specification and scale. */
export interface SimulatedWave {
  key: string;
  handle: number;
  physioId: number;
  spec: SampleArraySpec;
  scale: SampleScale;
  samplePeriodTicks: number;
}

// 256 ms of samples per result (128 ECG samples at 500 Hz), as public analyses of the export
// describe. Scales are simulator choices: ECG 200 counts per mV around 8192 with 14 significant bits
// (VSCapture's ECG fallback is the same 200-count span); pleth 0..1 over 1000..3000 and respiration
// 0..1 over 1230..2867 (VSCapture's respiration fallback), both with 12 significant bits.
export const WAVE_RESULT_MS = 256;
const waveOf = (key: string) => INTELLIVUE_WAVES.find((wave) => wave.key === key);
const simulatedWave = (
  key: string,
  handle: number,
  significantBits: number,
  flags: number,
  scale: SampleScale,
): SimulatedWave => {
  const rateHz = waveOf(key)?.rateHz ?? 1;
  return {
    key,
    handle,
    physioId: waveOf(key)?.physioId ?? 0,
    spec: {
      arraySize: (rateHz * WAVE_RESULT_MS) / 1000,
      sampleSizeBits: 16,
      significantBits,
      flags,
    },
    scale,
    samplePeriodTicks: TICKS_PER_SECOND / rateHz,
  };
};
export const SIMULATED_WAVES: readonly SimulatedWave[] = [
  simulatedWave(INTELLIVUE_ECG_II, 0x0101, 14, 0x3000, {
    lowerAbsolute: 0,
    upperAbsolute: 1,
    lowerScaled: 8192,
    upperScaled: 8392,
  }),
  simulatedWave(INTELLIVUE_PLETH, 0x0102, 12, 0x8000, {
    lowerAbsolute: 0,
    upperAbsolute: 1,
    lowerScaled: 1000,
    upperScaled: 3000,
  }),
  simulatedWave(INTELLIVUE_RESP_WAVE, 0x0103, 12, 0x8000, {
    lowerAbsolute: 0,
    upperAbsolute: 1,
    lowerScaled: 1230,
    upperScaled: 2867,
  }),
];

/** Counts for a value under a wave's scale, clamped to its significant bits. */
export function toScaledCount(value: number, wave: SimulatedWave): number {
  const { lowerAbsolute, upperAbsolute, lowerScaled, upperScaled } = wave.scale;
  const count = Math.round(
    lowerScaled +
      ((value - lowerAbsolute) * (upperScaled - lowerScaled)) / (upperAbsolute - lowerAbsolute),
  );
  return Math.min(Math.max(count, 0), 2 ** wave.spec.significantBits - 1);
}

/** A FLOAT for the scale ends: integers exactly, anything else to three decimals. */
function scaleFloat(value: number): number {
  return Number.isInteger(value)
    ? encodeIntellivueFloat(value, 0)
    : encodeIntellivueFloat(Math.round(value * 1000), -3);
}

/** One wave object's attribute list; the first result of a poll also carries its static context. */
function waveObject(wave: SimulatedWave, counts: readonly number[], withContext: boolean) {
  const attributes = new PduWriter();
  let count = 0;
  if (withContext) {
    attributes
      .u16(ATTR_SA_SPECN)
      .u16(6)
      .u16(wave.spec.arraySize)
      .u16((wave.spec.sampleSizeBits << 8) | wave.spec.significantBits)
      .u16(wave.spec.flags);
    attributes
      .u16(ATTR_SCALE_SPECN_I16)
      .u16(12)
      .u32(scaleFloat(wave.scale.lowerAbsolute))
      .u32(scaleFloat(wave.scale.upperAbsolute))
      .u16(wave.scale.lowerScaled)
      .u16(wave.scale.upperScaled);
    attributes.u16(ATTR_TIME_PD_SAMP).u16(4).u32(wave.samplePeriodTicks);
    count += 3;
  }
  const sampleBytes = counts.length * 2;
  attributes
    .u16(ATTR_SA_VAL_OBS)
    .u16(6 + sampleBytes)
    .u16(wave.physioId)
    .u16(0)
    .u16(sampleBytes);
  for (const value of counts) attributes.u16(value);
  count += 1;
  return new PduWriter()
    .u16(wave.handle)
    .u16(count)
    .u16(attributes.length)
    .raw(attributes.toBytes());
}

/**
 * A linked poll result (RORLS, action 0xF13B, class 0x0009) carrying one object per wave. The
 * linked-id state (1 first, 2 neither first nor last) and count are simulator choices.
 */
export function wavePollResult(
  invokeId: number,
  pollNumber: number,
  sequence: number,
  relativeTime: number,
  waves: readonly { wave: SimulatedWave; counts: readonly number[] }[],
  withContext: boolean,
): Uint8Array {
  const polls = new PduWriter();
  for (const { wave, counts } of waves) polls.raw(waveObject(wave, counts, withContext).toBytes());
  return pollResultPdu(
    invokeId,
    { linkedState: sequence === 0 ? 1 : 2, linkedCount: sequence & 0xff },
    pollNumber,
    sequence,
    relativeTime,
    OBJ_CLASS_SAMPLE_ARRAY,
    waves.length,
    polls.toBytes(),
  );
}

/** One wave result's counts: the samples of its 256 ms (result `index`) for every simulated wave. */
export function waveResultCounts(
  source: IntellivueWaveSource,
  index: number,
): { wave: SimulatedWave; counts: number[] }[] {
  const resultStartMs = index * WAVE_RESULT_MS;
  const sample: Record<string, (seconds: number) => number> = {
    [INTELLIVUE_ECG_II]: (t) => source.ecgMv(t),
    [INTELLIVUE_PLETH]: (t) => source.pleth(t),
    [INTELLIVUE_RESP_WAVE]: (t) => source.resp(t),
  };
  return SIMULATED_WAVES.map((wave) => {
    const counts: number[] = [];
    for (let i = 0; i < wave.spec.arraySize; i++) {
      const seconds = resultStartMs / 1000 + (i * wave.samplePeriodTicks) / TICKS_PER_SECOND;
      counts.push(toScaledCount(sample[wave.key]?.(seconds) ?? 0, wave));
    }
    return { wave, counts };
  });
}

function bump(phase: number, centre: number, width: number): number {
  return Math.exp(-(((phase - centre) / width) ** 2));
}

/** Fallback when no recording is available: a QRS-and-T beat, a pulse wave and a breath. */
export function syntheticWaveSource(vitals: () => SimulatedVitals): IntellivueWaveSource {
  const beat = (seconds: number) => (seconds * (vitals().hr / 60)) % 1;
  return {
    ecgMv: (seconds) => {
      const phase = beat(seconds);
      return (
        1.2 * bump(phase, 0.2, 0.015) -
        0.15 * bump(phase, 0.23, 0.02) +
        0.3 * bump(phase, 0.5, 0.06)
      );
    },
    pleth: (seconds) => {
      const phase = beat(seconds);
      return bump(phase, 0.35, 0.1) + 0.3 * bump(phase, 0.6, 0.08);
    },
    resp: (seconds) => 0.5 + 0.5 * Math.sin(2 * Math.PI * seconds * (vitals().rr / 60)),
  };
}

/** Linear interpolation of a looped recording at time `seconds`. */
function valueAt(values: Float32Array, rateHz: number, seconds: number): number {
  if (values.length === 0) return 0;
  const position = (seconds * rateHz) % values.length;
  const before = Math.floor(position);
  const fraction = position - before;
  const after = (before + 1) % values.length;
  return (values[before] ?? 0) * (1 - fraction) + (values[after] ?? 0) * fraction;
}

/** Plays the demo recordings in a loop at whatever rate each wave is sampled. */
export function recordingWaveSource(recordings: DemoRecordings): IntellivueWaveSource {
  return {
    ecgMv: (seconds) => valueAt(recordings.ecg.mv, recordings.ecg.rateHz, seconds),
    pleth: (seconds) => valueAt(recordings.pleth.values, recordings.pleth.rateHz, seconds),
    resp: (seconds) => valueAt(recordings.resp.values, recordings.resp.rateHz, seconds),
  };
}
