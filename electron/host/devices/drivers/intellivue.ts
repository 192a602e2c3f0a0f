// Philips IntelliVue patient monitors over the Data Export protocol on the MIB/RS-232 interface.
// Source of truth: ../shared/protocols/README.md §5 (framing, FCS, escaping, minimum session, the
// numerics poll frame and the 0x0950 example). Facts marked [VSCapture] rest only on the one
// reverse-engineered public source, xeonfusion/VSCaptureMP (DataConstants and its packet parser):
// the PDU header layouts and offsets, the association request bytes, the command / action / event
// codes, the compound-value attribute 0x094B and the FLOAT special values other than NaN, the wave
// poll and RTSA priority-list SET bytes, the sample-array attribute ids and layouts (0x096D, 0x096E,
// 0x0967, 0x096F, 0x098D) and the wave physio ids and labels.

import { MDC } from '../../../../shared/codes/mdc';
import type { DecodedFrame, DecoderStats, Driver, FrameDecoder } from '../driver';
import { IntellivueDeframer, encodeIntellivueFrame } from './intellivue-framing';

export const INTELLIVUE_SPO2 = 'MDC_PULS_OXIM_SAT_O2';
export const INTELLIVUE_PULSE_RATE = 'MDC_PULS_OXIM_PULS_RATE';
export const INTELLIVUE_HEART_RATE = 'MDC_ECG_HEART_RATE';
export const INTELLIVUE_RESP_RATE = 'MDC_RESP_RATE';
export const INTELLIVUE_TEMP = 'MDC_TEMP_BODY';
// Not (yet) in shared/codes/mdc.ts; codes 150021..150023 from ../shared/clinical/README.md.
export const INTELLIVUE_NIBP_SYS = 'MDC_PRESS_BLD_NONINV_SYS';
export const INTELLIVUE_NIBP_DIA = 'MDC_PRESS_BLD_NONINV_DIA';
export const INTELLIVUE_NIBP_MEAN = 'MDC_PRESS_BLD_NONINV_MEAN';

// Waves. ECG II and pleth are the MDC terms (physio id = low 16 bits of the code, as for numerics).
// The IntelliVue respiration wave is NOM_RESP (0x5000 [VSCapture]); its MDC term, MDC_RESP, is not in
// shared/codes/mdc.ts and MDC_IMPED_TTHOR's code (0x50E4) is a different term, so it is keyed here.
export const INTELLIVUE_ECG_II = 'MDC_ECG_ELEC_POTL_II';
export const INTELLIVUE_PLETH = 'MDC_PULS_OXIM_PLETH';
export const INTELLIVUE_RESP_WAVE = 'INTELLIVUE_RESP';

export const FLAG_ASSOCIATION_REFUSED = 'association-refused';
export const FLAG_ASSOCIATION_ABORTED = 'association-aborted';
export const FLAG_ASSOCIATION_RELEASED = 'association-released';
/** A wave came with a sample period other than the channel's rate: its samples are not shown. */
export const FLAG_WAVE_RATE_UNEXPECTED = 'wave-rate-unexpected';

/**
 * IntelliVue physio ids are the low 16 bits of the MDC code (150456 = 0x0002_4BB8 → 0x4BB8), so the
 * map is built from the MDC codes, not from a separate table of Philips numbers.
 */
const MDC_CODES: Record<string, number> = {
  [INTELLIVUE_SPO2]: MDC.MDC_PULS_OXIM_SAT_O2.code,
  [INTELLIVUE_PULSE_RATE]: MDC.MDC_PULS_OXIM_PULS_RATE.code,
  [INTELLIVUE_HEART_RATE]: MDC.MDC_ECG_HEART_RATE.code,
  [INTELLIVUE_RESP_RATE]: MDC.MDC_RESP_RATE.code,
  [INTELLIVUE_TEMP]: MDC.MDC_TEMP_BODY.code,
  [INTELLIVUE_NIBP_SYS]: 150021,
  [INTELLIVUE_NIBP_DIA]: 150022,
  [INTELLIVUE_NIBP_MEAN]: 150023,
};

export const INTELLIVUE_PHYSIO_TO_REF_ID: ReadonlyMap<number, string> = new Map(
  Object.entries(MDC_CODES).map(([refId, code]) => [code & 0xffff, refId]),
);

/** Physio id (low 16 bits of the MDC code) for a reference id this driver maps. */
export function intellivuePhysioId(refId: string): number | undefined {
  const code = MDC_CODES[refId];
  return code === undefined ? undefined : code & 0xffff;
}

// Session-layer SPDU types: first byte of the user data.
export const SPDU_ASSOC_REQUEST = 0x0d;
export const SPDU_ASSOC_ACCEPT = 0x0e;
export const SPDU_ASSOC_REFUSE = 0x0c;
export const SPDU_RELEASE_REQUEST = 0x09;
export const SPDU_RELEASE_RESPONSE = 0x0a;
export const SPDU_ABORT = 0x19;
/** Data-export messages start with session id 0xE100. */
export const DATA_EXPORT_SESSION_ID = 0xe100;

// Remote-operation types and codes [VSCapture].
export const RO_INVOKE = 0x0001;
export const RO_RESULT = 0x0002;
export const RO_ERROR = 0x0003;
export const RO_LINKED_RESULT = 0x0005;
export const CMD_CONFIRMED_EVENT_REPORT = 0x0001;
export const CMD_CONFIRMED_SET = 0x0005;
export const CMD_CONFIRMED_ACTION = 0x0007;
export const NOTI_MDS_CREATE = 0x0d06;
export const ACT_POLL_MDIB_DATA = 0x0c16;
export const ACT_POLL_MDIB_DATA_EXT = 0xf13b;
export const OBJ_CLASS_NUMERIC = 0x0006;
/** NOM_MOC_VMO_METRIC_SA_RT: real-time sample arrays (waves). */
export const OBJ_CLASS_SAMPLE_ARRAY = 0x0009;
export const ATTR_NU_VAL_OBS = 0x0950;
export const ATTR_NU_CMPD_VAL_OBS = 0x094b;
/** NOM_ATTR_SA_VAL_OBS: physio id u16, state u16, length u16, then the samples. */
export const ATTR_SA_VAL_OBS = 0x096e;
/** NOM_ATTR_SA_CMPD_VAL_OBS: count u16, length u16, then SA_VAL_OBS values. */
export const ATTR_SA_CMPD_VAL_OBS = 0x0967;
/** NOM_ATTR_SA_SPECN: array size u16, sample size u8 (bits), significant bits u8, flags u16. */
export const ATTR_SA_SPECN = 0x096d;
/** NOM_ATTR_SCALE_SPECN_I16: lower/upper absolute value (FLOAT), lower/upper scaled value u16. */
export const ATTR_SCALE_SPECN_I16 = 0x096f;
/** NOM_ATTR_TIME_PD_SAMP: sample period u32 in 1/8 ms. */
export const ATTR_TIME_PD_SAMP = 0x098d;
/** NOM_ATTR_POLL_RTSA_PRIO_LIST: the waves the monitor exports, as a list of 32-bit labels. */
export const ATTR_POLL_RTSA_PRIO_LIST = 0xf23a;
/** Relative times and periods count 1/8 ms. */
export const TICKS_PER_SECOND = 8000;
/** Managed object of the MDS: class 0x0021, context 0, handle 0 [VSCapture]. */
const MDS_MANAGED_OBJECT = Uint8Array.of(0x00, 0x21, 0x00, 0x00, 0x00, 0x00);

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

/** Association request `aarq_msg_wave_ext_poll2` [VSCapture], as the spec's session step 1 names. */
export const INTELLIVUE_ASSOCIATION_REQUEST = Uint8Array.from([
  0x0d, 0xff, 0x01, 0x28, 0x05, 0x08, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02, 0x80, 0x00, 0x14, 0x02,
  0x00, 0x02, 0xc1, 0xff, 0x01, 0x16, 0x31, 0x80, 0xa0, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0xa2,
  0x80, 0xa0, 0x03, 0x00, 0x00, 0x01, 0xa4, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x06, 0x04, 0x52,
  0x01, 0x00, 0x01, 0x30, 0x80, 0x06, 0x02, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00, 0x30, 0x80, 0x02,
  0x01, 0x02, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01,
  0x30, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x60,
  0x80, 0xa1, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x03,
  0x01, 0x00, 0x00, 0xbe, 0x80, 0x28, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01,
  0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x02, 0x81, 0x82, 0x00, 0x80, 0x80, 0x00, 0x00, 0x00,
  0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x64, 0x00, 0x01, 0x00, 0x28, 0x80, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x0f, 0xa0, 0x00, 0x00, 0x05, 0xb0, 0x00, 0x00, 0x05, 0xb0, 0xff, 0xff, 0xff, 0xff,
  0x60, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0c, 0xf0, 0x01, 0x00, 0x08, 0x8e, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x34, 0x00, 0x06, 0x00, 0x30, 0x00, 0x01, 0x00, 0x21,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0xc9, 0x00, 0x01, 0x00, 0x09,
  0x00, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x2a,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x36, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);

/** The spec's extended numerics poll (object class 0x0006, period 240000 × 125 µs = 30 s). */
export const INTELLIVUE_NUMERICS_POLL = Uint8Array.from([
  0xe1, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x28, 0x00, 0x01, 0x00, 0x07, 0x00, 0x22, 0x00, 0x21,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf1, 0x3b, 0x00, 0x14, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0xf1, 0x3e, 0x00, 0x04, 0x00, 0x03, 0xa9, 0x80,
]);

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

/** Release request `rlrq_msg` [VSCapture]; the spec names it `09 18 …`. */
export const INTELLIVUE_RELEASE_REQUEST = Uint8Array.from([
  0x09, 0x18, 0xc1, 0x16, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x62, 0x80, 0x80,
  0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);

/** Abort `assoc_abort_resp_msg` [VSCapture]; the spec names it `19 2E …`. */
export const INTELLIVUE_ABORT = Uint8Array.from([
  0x19, 0x2e, 0x11, 0x01, 0x03, 0xc1, 0x29, 0xa0, 0x80, 0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01,
  0x06, 0x02, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0,
  0x80, 0x64, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);

/**
 * MDS-create result, echoing the monitor's invoke id, managed object and event time (the spec
 * calls echoing safer than VSCapture's hard-coded values; the layout is VSCapture's).
 */
export function mdsCreateResult(invokeId: number, managedObject: Uint8Array, eventTime: number) {
  const out = new Uint8Array(28);
  const view = new DataView(out.buffer);
  view.setUint16(0, DATA_EXPORT_SESSION_ID);
  view.setUint16(2, 0x0002);
  view.setUint16(4, RO_RESULT);
  view.setUint16(6, 20);
  view.setUint16(8, invokeId);
  view.setUint16(10, CMD_CONFIRMED_EVENT_REPORT);
  view.setUint16(12, 14);
  out.set(managedObject.subarray(0, 6), 14);
  view.setUint32(20, eventTime);
  view.setUint16(24, NOTI_MDS_CREATE);
  view.setUint16(26, 0);
  return out;
}

/**
 * IntelliVue FLOAT: signed 8-bit exponent, signed 24-bit mantissa, value = m × 10^e. NaN
 * (0x007FFFFF) and, per [VSCapture], NRes 0x00800000, +INF 0x007FFFFE and −INF 0x00800002 give
 * null: no reading.
 */
export function decodeIntellivueFloat(raw: number): number | null {
  const mantissaBits = raw & 0xffffff;
  if (
    mantissaBits === 0x7fffff ||
    mantissaBits === 0x800000 ||
    mantissaBits === 0x7ffffe ||
    mantissaBits === 0x800002
  ) {
    return null;
  }
  const exponent = (raw << 0) >> 24;
  const mantissa = (mantissaBits << 8) >> 8;
  // Dividing by 10^-e keeps 0.1-style values exact where multiplying by 10^e would not.
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

/** Encodes m × 10^e as an IntelliVue FLOAT (for the simulator and tests). */
export function encodeIntellivueFloat(mantissa: number, exponent: number): number {
  return (((exponent & 0xff) << 24) | (mantissa & 0xffffff)) >>> 0;
}

class Truncated extends Error {}

/** Big-endian reader over one message; reading past the end throws Truncated. */
class PduReader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
    readonly end = bytes.length,
  ) {}
  u16(): number {
    if (this.at + 2 > this.end) throw new Truncated();
    const value = ((this.bytes[this.at] ?? 0) << 8) | (this.bytes[this.at + 1] ?? 0);
    this.at += 2;
    return value;
  }
  u32(): number {
    return ((this.u16() << 16) | this.u16()) >>> 0;
  }
  skip(count: number): void {
    if (this.at + count > this.end) throw new Truncated();
    this.at += count;
  }
  /** A reader over the next `length` bytes; this reader moves past them. */
  sub(length: number): PduReader {
    if (this.at + length > this.end) throw new Truncated();
    const inner = new PduReader(this.bytes, this.at, this.at + length);
    this.at += length;
    return inner;
  }
}

/** One observed numeric value (attribute 0x0950 layout). */
export interface IntellivueObservation {
  physioId: number;
  state: number;
  unitCode: number;
  value: number | null;
}

function readObservation(reader: PduReader): IntellivueObservation {
  return {
    physioId: reader.u16(),
    state: reader.u16(),
    unitCode: reader.u16(),
    value: decodeIntellivueFloat(reader.u32()),
  };
}

/** Sample array specification (attribute 0x096D). */
export interface SampleArraySpec {
  arraySize: number;
  sampleSizeBits: number;
  significantBits: number;
  flags: number;
}

/** Scale and range specification (attribute 0x096F): a linear map from scaled to absolute. */
export interface SampleScale {
  lowerAbsolute: number;
  upperAbsolute: number;
  lowerScaled: number;
  upperScaled: number;
}

/** One sample-array observation (attribute 0x096E): the samples stay as bytes until decoded. */
export interface SampleArrayObservation {
  physioId: number;
  state: number;
  bytes: Uint8Array;
}

/** What one polled object (one handle) carried in one reply. */
export interface PolledObject {
  handle: number;
  numerics: IntellivueObservation[];
  waves: SampleArrayObservation[];
  spec?: SampleArraySpec;
  scale?: SampleScale;
  samplePeriodTicks?: number;
}

export interface PollReply {
  objectClass: number;
  relativeTime: number;
  objects: PolledObject[];
}

function readSampleArray(reader: PduReader): SampleArrayObservation {
  const physioId = reader.u16();
  const state = reader.u16();
  const length = reader.u16();
  const samples = reader.sub(length);
  return { physioId, state, bytes: samples.bytes.slice(samples.at, samples.end) };
}

function readScale(reader: PduReader): SampleScale | undefined {
  const lowerAbsolute = decodeIntellivueFloat(reader.u32());
  const upperAbsolute = decodeIntellivueFloat(reader.u32());
  const lowerScaled = reader.u16();
  const upperScaled = reader.u16();
  // A scale that maps nothing (NaN ends, or an empty scaled range) is no scale.
  if (lowerAbsolute === null || upperAbsolute === null || lowerScaled === upperScaled) {
    return undefined;
  }
  return { lowerAbsolute, upperAbsolute, lowerScaled, upperScaled };
}

/** One polled object: handle, then an attribute list (count u16, length u16, id/length/value). */
function readPolledObject(reader: PduReader): PolledObject {
  const object: PolledObject = { handle: reader.u16(), numerics: [], waves: [] };
  const count = reader.u16();
  const list = reader.sub(reader.u16());
  for (let i = 0; i < count; i++) {
    const id = list.u16();
    const value = list.sub(list.u16());
    if (id === ATTR_NU_VAL_OBS) {
      object.numerics.push(readObservation(value));
    } else if (id === ATTR_NU_CMPD_VAL_OBS) {
      const parts = value.u16();
      value.u16();
      for (let p = 0; p < parts; p++) object.numerics.push(readObservation(value));
    } else if (id === ATTR_SA_VAL_OBS) {
      object.waves.push(readSampleArray(value));
    } else if (id === ATTR_SA_CMPD_VAL_OBS) {
      const parts = value.u16();
      const entries = value.sub(value.u16());
      for (let p = 0; p < parts; p++) object.waves.push(readSampleArray(entries));
    } else if (id === ATTR_SA_SPECN) {
      const arraySize = value.u16();
      const sizes = value.u16();
      object.spec = {
        arraySize,
        sampleSizeBits: sizes >> 8,
        significantBits: sizes & 0xff,
        flags: value.u16(),
      };
    } else if (id === ATTR_SCALE_SPECN_I16) {
      object.scale = readScale(value);
    } else if (id === ATTR_TIME_PD_SAMP) {
      object.samplePeriodTicks = value.u32();
    }
  }
  return object;
}

/** A poll result (RORS or linked RORLS) for a poll or extended poll, or null if it is not one. */
export function readPollReply(message: Uint8Array): PollReply | null {
  const reader = new PduReader(message);
  try {
    if (reader.u16() !== DATA_EXPORT_SESSION_ID) return null;
    reader.u16();
    const roType = reader.u16();
    reader.u16();
    if (roType === RO_LINKED_RESULT) reader.skip(2);
    else if (roType !== RO_RESULT) return null;
    reader.u16(); // invoke id
    if (reader.u16() !== CMD_CONFIRMED_ACTION) return null;
    reader.u16();
    reader.skip(6); // managed object
    const action = reader.u16();
    if (action !== ACT_POLL_MDIB_DATA && action !== ACT_POLL_MDIB_DATA_EXT) return null;
    const body = reader.sub(reader.u16());
    // Poll reply header: poll number, [sequence number,] relative time, absolute time, type, group.
    body.skip(action === ACT_POLL_MDIB_DATA_EXT ? 4 : 2);
    const relativeTime = body.u32();
    body.skip(8 + 2); // absolute time, type partition
    const objectClass = body.u16();
    body.skip(2); // attribute group
    const contexts = body.u16();
    const contextList = body.sub(body.u16());
    const objects: PolledObject[] = [];
    for (let c = 0; c < contexts; c++) {
      contextList.u16(); // context id
      const polls = contextList.u16();
      const pollList = contextList.sub(contextList.u16());
      for (let p = 0; p < polls; p++) objects.push(readPolledObject(pollList));
    }
    return { objectClass, relativeTime, objects };
  } catch (error) {
    if (error instanceof Truncated) return null;
    throw error;
  }
}

/** Numeric observations in a poll result, or null if the message is not a poll result. */
export function readPollResult(message: Uint8Array): IntellivueObservation[] | null {
  return readPollReply(message)?.objects.flatMap((object) => object.numerics) ?? null;
}

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

/** The fields the host echoes from the monitor's MDS Create Event Report, or null if it is not one. */
export function readMdsCreateEvent(
  message: Uint8Array,
): { invokeId: number; managedObject: Uint8Array; eventTime: number } | null {
  const reader = new PduReader(message);
  try {
    if (reader.u16() !== DATA_EXPORT_SESSION_ID) return null;
    reader.u16();
    if (reader.u16() !== RO_INVOKE) return null;
    reader.u16();
    const invokeId = reader.u16();
    if (reader.u16() !== CMD_CONFIRMED_EVENT_REPORT) return null;
    reader.u16();
    const managedObject = message.slice(reader.at, reader.at + 6);
    reader.skip(6);
    const eventTime = reader.u32();
    if (reader.u16() !== NOTI_MDS_CREATE) return null;
    return { invokeId, managedObject, eventTime };
  } catch (error) {
    if (error instanceof Truncated) return null;
    throw error;
  }
}

/** A decoder that also tells the session what the host must send now. */
export interface ReplyingDecoder extends FrameDecoder {
  /** Frames (already framed, escaped, with FCS) to write to the monitor now; empties the queue. */
  takeReplies(): Uint8Array[];
}

const MAX_QUEUED_REPLIES = 16;
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

class IntellivueDecoder implements ReplyingDecoder {
  readonly #deframer = new IntellivueDeframer();
  #replies: Uint8Array[] = [];
  readonly #waveObjects = new Map<number, WaveObjectContext>();
  /** Monitor time (1/8 ms) when the wave poll was last requested; null before the MDS create. */
  #wavePollRequestedAt: number | null = null;

  get stats(): Readonly<DecoderStats> {
    return this.#deframer.stats;
  }

  takeReplies(): Uint8Array[] {
    const replies = this.#replies;
    this.#replies = [];
    return replies;
  }

  push(bytes: Uint8Array): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    for (const message of this.#deframer.push(bytes)) {
      const frame = this.#handle(message);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  #reply(userData: Uint8Array): void {
    // A host that never takes its replies must not grow memory without bound.
    if (this.#replies.length >= MAX_QUEUED_REPLIES) this.#replies.shift();
    this.#replies.push(encodeIntellivueFrame(userData));
  }

  #handle(message: Uint8Array): DecodedFrame | null {
    const flag = (name: string): DecodedFrame => ({ samples: {}, numerics: {}, flags: [name] });
    switch (message[0]) {
      case SPDU_ASSOC_REFUSE:
        return flag(FLAG_ASSOCIATION_REFUSED);
      case SPDU_ABORT:
        return flag(FLAG_ASSOCIATION_ABORTED);
      case SPDU_RELEASE_RESPONSE:
        return flag(FLAG_ASSOCIATION_RELEASED);
      case SPDU_ASSOC_ACCEPT:
        return null;
      default:
        break;
    }
    const event = readMdsCreateEvent(message);
    if (event) {
      // A new association: handles and their wave specifications start afresh.
      this.#waveObjects.clear();
      this.#reply(mdsCreateResult(event.invokeId, event.managedObject, event.eventTime));
      this.#reply(INTELLIVUE_WAVE_SELECTION);
      this.#reply(INTELLIVUE_NUMERICS_POLL);
      this.#reply(INTELLIVUE_WAVE_POLL);
      this.#wavePollRequestedAt = event.eventTime;
      return null;
    }
    const reply = readPollReply(message);
    if (!reply) return null;
    this.#renewWavePoll(reply.relativeTime);
    const frame: DecodedFrame = { samples: {}, numerics: {}, flags: [] };
    for (const object of reply.objects) {
      for (const { physioId, value } of object.numerics) {
        const refId = INTELLIVUE_PHYSIO_TO_REF_ID.get(physioId);
        if (refId !== undefined && value !== null) frame.numerics[refId] = value;
      }
      this.#addWaves(object, frame);
    }
    const empty =
      Object.keys(frame.numerics).length === 0 &&
      Object.keys(frame.samples).length === 0 &&
      frame.flags.length === 0;
    return empty ? null : frame;
  }

  /** Asks for waves again before the running poll's period ends, timed by the monitor's clock. */
  #renewWavePoll(relativeTime: number): void {
    if (this.#wavePollRequestedAt === null) return;
    if ((relativeTime - this.#wavePollRequestedAt) >>> 0 < WAVE_POLL_RENEW_TICKS) return;
    this.#reply(INTELLIVUE_WAVE_POLL);
    this.#wavePollRequestedAt = relativeTime;
  }

  #addWaves(object: PolledObject, frame: DecodedFrame): void {
    const hasContext = object.spec || object.scale || object.samplePeriodTicks !== undefined;
    if (hasContext && !this.#waveObjects.has(object.handle)) {
      if (this.#waveObjects.size >= MAX_WAVE_OBJECTS) this.#waveObjects.clear();
      this.#waveObjects.set(object.handle, {});
    }
    const context = this.#waveObjects.get(object.handle) ?? {};
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

export function createIntellivueDecoder(): ReplyingDecoder {
  return new IntellivueDecoder();
}

export const intellivueMib: Driver = {
  descriptor: {
    id: 'intellivue-mib',
    displayName: 'Philips IntelliVue (Data Export, MIB RS-232)',
    deviceKind: 'Patient monitor',
    transport: 'serial',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    usb: [],
    channels: [
      // Samples are converted with the monitor's own scale specification to fixed integer steps.
      ...INTELLIVUE_WAVES.map((wave) => ({
        key: wave.key,
        label: wave.label,
        unit: wave.unit,
        rateHz: wave.rateHz,
        scale: 1 / wave.countsPerUnit,
        displayed: true,
      })),
      ...INTELLIVUE_WAVES.map((wave) => ({
        key: wave.rawKey,
        label: `${wave.label} (raw)`,
        unit: '{count}',
        rateHz: wave.rateHz,
        scale: null,
        displayed: false,
      })),
    ],
    numerics: [
      { refId: INTELLIVUE_HEART_RATE, unit: '/min' },
      { refId: INTELLIVUE_SPO2, unit: '%' },
      { refId: INTELLIVUE_PULSE_RATE, unit: '/min' },
      { refId: INTELLIVUE_RESP_RATE, unit: '/min' },
      { refId: INTELLIVUE_TEMP, unit: 'Cel' },
      { refId: INTELLIVUE_NIBP_SYS, unit: 'mm[Hg]' },
      { refId: INTELLIVUE_NIBP_DIA, unit: 'mm[Hg]' },
      { refId: INTELLIVUE_NIBP_MEAN, unit: 'mm[Hg]' },
    ],
    // Numerics are polled every 5 s (waves stream every 256 ms): two missed answers mean the
    // monitor stopped.
    staleAfterMs: 12000,
    caveats: [
      'The MIB/RS-232 interface board is connected through a generic USB-serial adapter, so there is no USB id that identifies the monitor.',
      'Waves shown: ECG II, pleth and respiration (attribute 0x096E), chosen with a SET of the RTSA priority list (0xF23A); other waves and other ECG leads are ignored.',
      'Wave samples are turned into units with the scale (0x096F) the monitor sends once per poll and kept as integers of 1 µV (ECG) or 1/1000 (pleth, respiration); until the monitor has sent a scale for a wave, that wave is kept as raw counts in a hidden channel (…_COUNTS) and not shown.',
      'The ECG unit is taken to be mV and pleth and respiration as unitless, as their scales suggest; the unit-code attribute is not read.',
      'A wave whose sample period (0x098D) differs from 500 / 125 / 62.5 Hz is dropped and flagged; without a sample specification (0x096D) 16-bit samples are assumed.',
      'Sample mark bits above the significant bits (pace pulse, invalid sample) and the wave measurement state are dropped, not shown.',
      'Respiration is keyed INTELLIVUE_RESP: its MDC term (MDC_RESP) is not in the shared code table.',
      'Values are taken in the unit the monitor sends; the unit code and measurement state are not checked (a monitor set to °F or a questionable value would pass through).',
      'The message layouts beyond framing come from one reverse-engineered open-source program (VSCaptureMP), not from Philips documentation.',
    ],
  },
  createDecoder: createIntellivueDecoder,
  commands: {
    start: encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST),
    keepAlive: { bytes: encodeIntellivueFrame(INTELLIVUE_NUMERICS_POLL), everyMs: 5000 },
    stop: encodeIntellivueFrame(INTELLIVUE_RELEASE_REQUEST),
  },
};
