// IntelliVue Data Export message codes and the reading of what the monitor sends: FLOAT values,
// poll replies with their attribute lists (numerics, sample arrays, their specifications), and the
// MDS Create Event Report. Layouts and codes are [VSCapture] (see intellivue.ts); pure bytes in,
// values out.

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
export const MDS_MANAGED_OBJECT = Uint8Array.of(0x00, 0x21, 0x00, 0x00, 0x00, 0x00);

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
