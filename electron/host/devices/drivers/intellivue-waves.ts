// IntelliVue waves: which sample arrays the driver decodes, the wave poll and the RTSA priority SET
// that ask for them, and the turning of sample-array observations into channel samples. Layouts are
// [VSCapture] (see intellivue.ts).

import { MDC } from '../../../../shared/codes/mdc';
import type { DecodedFrame } from '../driver';
import {
  ATTR_POLL_RTSA_PRIO_LIST,
  CMD_CONFIRMED_SET,
  DATA_EXPORT_SESSION_ID,
  MDS_MANAGED_OBJECT,
  RO_INVOKE,
  TICKS_PER_SECOND,
  type PolledObject,
  type SampleArraySpec,
  type SampleScale,
} from './intellivue-attributes';

// Waves. ECG II and pleth are the MDC terms (physio id = low 16 bits of the code, as for numerics).
// The IntelliVue respiration wave is NOM_RESP (0x5000 [VSCapture]); its MDC term, MDC_RESP, is not in
// shared/codes/mdc.ts and MDC_IMPED_TTHOR's code (0x50E4) is a different term, so it is keyed here.
export const INTELLIVUE_ECG_II = 'MDC_ECG_ELEC_POTL_II';
export const INTELLIVUE_PLETH = 'MDC_PULS_OXIM_PLETH';
export const INTELLIVUE_RESP_WAVE = 'INTELLIVUE_RESP';

/** A wave came with a sample period other than the channel's rate: its samples are not shown. */
export const FLAG_WAVE_RATE_UNEXPECTED = 'wave-rate-unexpected';

/** One wave this driver decodes: where its samples go and the rate the channel declares. */
export interface IntellivueWave {
  key: string;
  /** Channel for the samples while the monitor has sent no scale for the wave (raw counts). */
  rawKey: string;
  physioId: number;
  /** Text label the RTSA priority list selects the wave by [VSCapture WavesIDLabels]. */
  textLabel: number;
  label: string;
  unit: string;
  /** Stored samples are integers: the monitor's absolute values times this, rounded. */
  countsPerUnit: number;
  rateHz: number;
}

// Rates: 500 / 125 / 62.5 Hz are the IntelliVue sample periods 2 / 8 / 16 ms (public decoders and
// analyses of the export agree); a period the monitor sends that differs is flagged, not trusted.
export const INTELLIVUE_WAVES: readonly IntellivueWave[] = [
  {
    key: INTELLIVUE_ECG_II,
    rawKey: 'INTELLIVUE_ECG_II_COUNTS',
    physioId: MDC.MDC_ECG_ELEC_POTL_II.code & 0xffff,
    textLabel: 0x00020102,
    label: 'ECG II',
    unit: 'mV',
    countsPerUnit: 1000, // µV: finer than the monitor's ECG resolution
    rateHz: 500,
  },
  {
    key: INTELLIVUE_PLETH,
    rawKey: 'INTELLIVUE_PLETH_COUNTS',
    physioId: MDC.MDC_PULS_OXIM_PLETH.code & 0xffff,
    textLabel: 0x00024bb4,
    label: 'Pleth',
    unit: '1',
    countsPerUnit: 1000,
    rateHz: 125,
  },
  {
    key: INTELLIVUE_RESP_WAVE,
    rawKey: 'INTELLIVUE_RESP_COUNTS',
    physioId: 0x5000,
    textLabel: 0x00025000,
    label: 'Resp',
    unit: '1',
    countsPerUnit: 1000,
    rateHz: 62.5,
  },
];

/**
 * Extended wave poll `ext_poll_request_wave_msg3` [VSCapture]: the numerics poll with poll number 2
 * and object class 0x0009; the same period, 240000 × 125 µs = 30 s.
 */
export const INTELLIVUE_WAVE_POLL = Uint8Array.from([
  0xe1, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x28, 0x00, 0x01, 0x00, 0x07, 0x00, 0x22, 0x00, 0x21,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf1, 0x3b, 0x00, 0x14, 0x00, 0x02, 0x00, 0x01,
  0x00, 0x09, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0xf1, 0x3e, 0x00, 0x04, 0x00, 0x03, 0xa9, 0x80,
]);
/** Poll period of both polls, in 1/8 ms. */
export const INTELLIVUE_POLL_PERIOD_TICKS = 240000;
/** The wave poll is sent again once this much monitor time has passed: 5 s before it runs out. */
export const WAVE_POLL_RENEW_TICKS = INTELLIVUE_POLL_PERIOD_TICKS - 5 * TICKS_PER_SECOND;

/**
 * Confirmed SET of the RTSA priority list (0xF23A) on the MDS, laid out as VSCapture's
 * SendRTSAPriorityMessage builds it (its `set_rtsa_prio_msg` is this with the one label ECG II).
 */
export function rtsaPrioritySet(textLabels: readonly number[]): Uint8Array {
  const listBytes = 4 + 4 * textLabels.length;
  const modEntryBytes = 6 + listBytes;
  const argumentBytes = 6 + 4 + 4 + modEntryBytes;
  const out = new Uint8Array(4 + 4 + 6 + argumentBytes);
  const view = new DataView(out.buffer);
  view.setUint16(0, DATA_EXPORT_SESSION_ID);
  view.setUint16(2, 0x0002);
  view.setUint16(4, RO_INVOKE);
  view.setUint16(6, 6 + argumentBytes);
  view.setUint16(8, 0); // invoke id
  view.setUint16(10, CMD_CONFIRMED_SET);
  view.setUint16(12, argumentBytes);
  out.set(MDS_MANAGED_OBJECT, 14);
  view.setUint32(20, 0); // scope
  view.setUint16(24, 1); // modification list: one entry
  view.setUint16(26, modEntryBytes);
  view.setUint16(28, 0); // modify operator: replace
  view.setUint16(30, ATTR_POLL_RTSA_PRIO_LIST);
  view.setUint16(32, listBytes);
  view.setUint16(34, textLabels.length);
  view.setUint16(36, 4 * textLabels.length);
  textLabels.forEach((label, i) => view.setUint32(38 + 4 * i, label));
  return out;
}

/** Chooses the waves this driver decodes. */
export const INTELLIVUE_WAVE_SELECTION = rtsaPrioritySet(INTELLIVUE_WAVES.map((w) => w.textLabel));

/**
 * Sample values of one observation: big-endian samples of `sampleSizeBits` (8 or 16; 16 when the
 * monitor sent no specification), keeping the significant bits only (the bits above them mark
 * samples, e.g. pace pulses). Null for a sample size this driver cannot read.
 */
export function decodeSampleValues(bytes: Uint8Array, spec?: SampleArraySpec): number[] | null {
  const sampleSizeBits = spec?.sampleSizeBits ?? 16;
  if (sampleSizeBits !== 8 && sampleSizeBits !== 16) return null;
  const significantBits = Math.min(spec?.significantBits || sampleSizeBits, sampleSizeBits);
  const mask = 2 ** significantBits - 1;
  const step = sampleSizeBits / 8;
  const values: number[] = [];
  for (let at = 0; at + step <= bytes.length; at += step) {
    const raw = step === 2 ? ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0) : (bytes[at] ?? 0);
    values.push(raw & mask);
  }
  return values;
}

/** Absolute value of a scaled sample under the monitor's scale specification. */
export function scaleSample(raw: number, scale: SampleScale): number {
  const { lowerAbsolute, upperAbsolute, lowerScaled, upperScaled } = scale;
  // Dividing last keeps values such as 0.5 mV exact.
  return (
    lowerAbsolute +
    ((raw - lowerScaled) * (upperAbsolute - lowerAbsolute)) / (upperScaled - lowerScaled)
  );
}

/** Wave objects whose specification is remembered; a monitor exports at most 11 waves at once. */
const MAX_WAVE_OBJECTS = 64;

const WAVE_BY_PHYSIO_ID: ReadonlyMap<number, IntellivueWave> = new Map(
  INTELLIVUE_WAVES.map((wave) => [wave.physioId, wave]),
);

/** What the monitor said about one wave object; it sends it once, in the first reply of a poll. */
interface WaveObjectContext {
  spec?: SampleArraySpec;
  scale?: SampleScale;
  samplePeriodTicks?: number;
}

/** One association's wave state: what each wave object said about itself, and the wave poll's age. */
export class IntellivueWaveState {
  readonly #objects = new Map<number, WaveObjectContext>();
  /** Monitor time (1/8 ms) when the wave poll was last requested; null before the MDS create. */
  #pollRequestedAt: number | null = null;

  /** A new association, its wave poll requested at `eventTime`: handles start afresh. */
  associate(eventTime: number): void {
    this.#objects.clear();
    this.#pollRequestedAt = eventTime;
  }

  /**
   * Whether the wave poll must be sent again before the running poll's period ends, timed by the
   * monitor's clock; a true answer counts as the request.
   */
  pollDue(relativeTime: number): boolean {
    if (this.#pollRequestedAt === null) return false;
    if ((relativeTime - this.#pollRequestedAt) >>> 0 < WAVE_POLL_RENEW_TICKS) return false;
    this.#pollRequestedAt = relativeTime;
    return true;
  }

  /** Adds the samples of one polled object to `frame`, remembering its context for later replies. */
  addSamples(object: PolledObject, frame: DecodedFrame): void {
    const hasContext = object.spec || object.scale || object.samplePeriodTicks !== undefined;
    if (hasContext && !this.#objects.has(object.handle)) {
      if (this.#objects.size >= MAX_WAVE_OBJECTS) this.#objects.clear();
      this.#objects.set(object.handle, {});
    }
    const context = this.#objects.get(object.handle) ?? {};
    if (object.spec) context.spec = object.spec;
    if (object.scale) context.scale = object.scale;
    if (object.samplePeriodTicks !== undefined)
      context.samplePeriodTicks = object.samplePeriodTicks;
    for (const observation of object.waves) {
      const wave = WAVE_BY_PHYSIO_ID.get(observation.physioId);
      if (!wave) continue;
      const periodTicks = context.samplePeriodTicks;
      if (periodTicks !== undefined && periodTicks * wave.rateHz !== TICKS_PER_SECOND) {
        if (!frame.flags.includes(FLAG_WAVE_RATE_UNEXPECTED)) {
          frame.flags.push(FLAG_WAVE_RATE_UNEXPECTED);
        }
        continue;
      }
      const raw = decodeSampleValues(observation.bytes, context.spec);
      if (!raw || raw.length === 0) continue;
      const { scale } = context;
      const key = scale ? wave.key : wave.rawKey;
      // `+ 0` turns a rounded -0 into 0.
      const values = scale
        ? raw.map((value) => Math.round(scaleSample(value, scale) * wave.countsPerUnit) + 0)
        : raw;
      (frame.samples[key] ??= []).push(...values);
    }
  }
}
