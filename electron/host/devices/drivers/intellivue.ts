// Philips IntelliVue patient monitors over the Data Export protocol on the MIB/RS-232 interface.
// Source of truth: ../shared/protocols/README.md §5 (framing, FCS, escaping, minimum session, the
// numerics poll frame and the 0x0950 example). Facts marked [VSCapture] rest only on the one
// reverse-engineered public source, xeonfusion/VSCaptureMP (DataConstants and its packet parser):
// the PDU header layouts and offsets, the association request bytes, the command / action / event
// codes, the compound-value attribute 0x094B and the FLOAT special values other than NaN.

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

export const FLAG_ASSOCIATION_REFUSED = 'association-refused';
export const FLAG_ASSOCIATION_ABORTED = 'association-aborted';
export const FLAG_ASSOCIATION_RELEASED = 'association-released';

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
export const CMD_CONFIRMED_ACTION = 0x0007;
export const NOTI_MDS_CREATE = 0x0d06;
export const ACT_POLL_MDIB_DATA = 0x0c16;
export const ACT_POLL_MDIB_DATA_EXT = 0xf13b;
export const OBJ_CLASS_NUMERIC = 0x0006;
export const ATTR_NU_VAL_OBS = 0x0950;
export const ATTR_NU_CMPD_VAL_OBS = 0x094b;

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

/** Observations in one attribute list (count u16, length u16, then id/length/value entries). */
function readAttributeList(reader: PduReader): IntellivueObservation[] {
  const count = reader.u16();
  const list = reader.sub(reader.u16());
  const observations: IntellivueObservation[] = [];
  for (let i = 0; i < count; i++) {
    const id = list.u16();
    const value = list.sub(list.u16());
    if (id === ATTR_NU_VAL_OBS) {
      observations.push(readObservation(value));
    } else if (id === ATTR_NU_CMPD_VAL_OBS) {
      const parts = value.u16();
      value.u16();
      for (let p = 0; p < parts; p++) observations.push(readObservation(value));
    }
  }
  return observations;
}

/** Observations in a poll result (RORS or linked RORLS) for a numerics or extended poll. */
export function readPollResult(message: Uint8Array): IntellivueObservation[] | null {
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
    body.skip(action === ACT_POLL_MDIB_DATA_EXT ? 22 : 20);
    const contexts = body.u16();
    const contextList = body.sub(body.u16());
    const observations: IntellivueObservation[] = [];
    for (let c = 0; c < contexts; c++) {
      contextList.u16(); // context id
      const polls = contextList.u16();
      const pollList = contextList.sub(contextList.u16());
      for (let p = 0; p < polls; p++) {
        pollList.u16(); // object handle
        observations.push(...readAttributeList(pollList));
      }
    }
    return observations;
  } catch (error) {
    if (error instanceof Truncated) return null;
    throw error;
  }
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

class IntellivueDecoder implements ReplyingDecoder {
  readonly #deframer = new IntellivueDeframer();
  #replies: Uint8Array[] = [];

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
      this.#reply(mdsCreateResult(event.invokeId, event.managedObject, event.eventTime));
      this.#reply(INTELLIVUE_NUMERICS_POLL);
      return null;
    }
    const observations = readPollResult(message);
    if (!observations) return null;
    const numerics: Record<string, number> = {};
    for (const { physioId, value } of observations) {
      const refId = INTELLIVUE_PHYSIO_TO_REF_ID.get(physioId);
      if (refId !== undefined && value !== null) numerics[refId] = value;
    }
    return Object.keys(numerics).length > 0 ? { samples: {}, numerics, flags: [] } : null;
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
    channels: [],
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
    // Numerics are polled every 5 s: two missed answers mean the monitor stopped.
    staleAfterMs: 12000,
    caveats: [
      'The MIB/RS-232 interface board is connected through a generic USB-serial adapter, so there is no USB id that identifies the monitor.',
      'Waveforms (attribute 0x096E) are not decoded yet: only numerics are shown.',
      'Values are taken in the unit the monitor sends; the unit code and measurement state are not checked (a monitor set to °F or a questionable value would pass through).',
      'The message layouts beyond framing come from one reverse-engineered open-source program (VSCaptureMP), not from Philips documentation.',
      'Until the session sends the decoder replies, numerics depend on the 5-s keep-alive poll alone and the MDS-create event goes unanswered.',
    ],
  },
  createDecoder: createIntellivueDecoder,
  commands: {
    start: encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST),
    keepAlive: { bytes: encodeIntellivueFrame(INTELLIVUE_NUMERICS_POLL), everyMs: 5000 },
    stop: encodeIntellivueFrame(INTELLIVUE_RELEASE_REQUEST),
  },
};
