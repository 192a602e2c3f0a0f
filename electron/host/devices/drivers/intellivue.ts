// Philips IntelliVue patient monitors over the Data Export protocol on the MIB/RS-232 interface.
// Source of truth: ../shared/protocols/README.md §5 (framing, FCS, escaping, minimum session, the
// numerics poll frame and the 0x0950 example). Facts marked [VSCapture] rest only on the one
// reverse-engineered public source, xeonfusion/VSCaptureMP (DataConstants and its packet parser):
// the PDU header layouts and offsets, the association request bytes, the command / action / event
// codes, the compound-value attribute 0x094B and the FLOAT special values other than NaN, the wave
// poll and RTSA priority-list SET bytes, the sample-array attribute ids and layouts (0x096D, 0x096E,
// 0x0967, 0x096F, 0x098D) and the wave physio ids and labels. Message codes and reply parsing are in
// intellivue-attributes.ts, the waves in intellivue-waves.ts.

import { MDC } from '../../../../shared/codes/mdc';
import type { DecodedFrame, DecoderStats, Driver, FrameDecoder } from '../driver';
import {
  CMD_CONFIRMED_EVENT_REPORT,
  DATA_EXPORT_SESSION_ID,
  NOTI_MDS_CREATE,
  RO_RESULT,
  readMdsCreateEvent,
  readPollReply,
} from './intellivue-attributes';
import { IntellivueDeframer, encodeIntellivueFrame } from './intellivue-framing';
import {
  INTELLIVUE_WAVES,
  INTELLIVUE_WAVE_POLL,
  INTELLIVUE_WAVE_SELECTION,
  IntellivueWaveState,
} from './intellivue-waves';

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

/** A decoder that also tells the session what the host must send now. */
export interface ReplyingDecoder extends FrameDecoder {
  /** Frames (already framed, escaped, with FCS) to write to the monitor now; empties the queue. */
  takeReplies(): Uint8Array[];
}

const MAX_QUEUED_REPLIES = 16;
/** Numerics are polled this often; each poll also keeps the association alive. */
const NUMERICS_POLL_EVERY_MS = 5000;

class IntellivueDecoder implements ReplyingDecoder {
  readonly #deframer = new IntellivueDeframer();
  #replies: Uint8Array[] = [];
  readonly #waves = new IntellivueWaveState();

  get stats(): Readonly<DecoderStats> {
    return this.#deframer.stats;
  }

  get pendingBytes(): number {
    return this.#deframer.pendingBytes;
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
      this.#reply(INTELLIVUE_WAVE_SELECTION);
      this.#reply(INTELLIVUE_NUMERICS_POLL);
      this.#reply(INTELLIVUE_WAVE_POLL);
      // A new association: handles and their wave specifications start afresh.
      this.#waves.associate(event.eventTime);
      return null;
    }
    const reply = readPollReply(message);
    if (!reply) return null;
    if (this.#waves.pollDue(reply.relativeTime)) this.#reply(INTELLIVUE_WAVE_POLL);
    const frame: DecodedFrame = { samples: {}, numerics: {}, flags: [] };
    for (const object of reply.objects) {
      for (const { physioId, value } of object.numerics) {
        const refId = INTELLIVUE_PHYSIO_TO_REF_ID.get(physioId);
        if (refId !== undefined && value !== null) frame.numerics[refId] = value;
      }
      this.#waves.addSamples(object, frame);
    }
    const empty =
      Object.keys(frame.numerics).length === 0 &&
      Object.keys(frame.samples).length === 0 &&
      frame.flags.length === 0;
    return empty ? null : frame;
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
    // An association the monitor may still hold (from before a replug, or one the workstation
    // lost track of) is aborted first; a monitor holding none ignores the abort.
    start: Uint8Array.from([
      ...encodeIntellivueFrame(INTELLIVUE_ABORT),
      ...encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST),
    ]),
    // A monitor switched on late or restarted holds no association and answers no poll: after two
    // unanswered numerics polls, associate again.
    startAgain: { afterSilenceMs: 2 * NUMERICS_POLL_EVERY_MS },
    keepAlive: {
      bytes: encodeIntellivueFrame(INTELLIVUE_NUMERICS_POLL),
      everyMs: NUMERICS_POLL_EVERY_MS,
    },
    stop: encodeIntellivueFrame(INTELLIVUE_RELEASE_REQUEST),
  },
};
