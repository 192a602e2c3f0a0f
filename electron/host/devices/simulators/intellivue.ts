// Byte-exact framing of a Philips IntelliVue monitor's Data Export side over MIB/RS-232
// (../shared/protocols/README.md §5): answers an association request (accepted `0E…` or refused
// `0C…`), sends an MDS Create Event Report, answers numerics polls with the vitals, and goes silent
// after an abort or release. The association response bodies are not a real monitor's bytes (no
// public capture was at hand): only their first byte, the SPDU type, is meaningful.

import {
  ACT_POLL_MDIB_DATA_EXT,
  ATTR_NU_VAL_OBS,
  CMD_CONFIRMED_ACTION,
  CMD_CONFIRMED_EVENT_REPORT,
  DATA_EXPORT_SESSION_ID,
  INTELLIVUE_HEART_RATE,
  INTELLIVUE_RESP_RATE,
  INTELLIVUE_SPO2,
  INTELLIVUE_TEMP,
  NOTI_MDS_CREATE,
  OBJ_CLASS_NUMERIC,
  RO_INVOKE,
  RO_RESULT,
  SPDU_ABORT,
  SPDU_ASSOC_ACCEPT,
  SPDU_ASSOC_REFUSE,
  SPDU_ASSOC_REQUEST,
  SPDU_RELEASE_REQUEST,
  SPDU_RELEASE_RESPONSE,
  encodeIntellivueFloat,
  intellivuePhysioId,
} from '../drivers/intellivue';
import { IntellivueDeframer, encodeIntellivueFrame } from '../drivers/intellivue-framing';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';

export interface IntellivueSimulatorOptions extends SimulatorOptions {
  refuseAssociation?: boolean;
}

export interface IntellivueSimulator extends DeviceSimulator {
  readonly state: 'off' | 'idle' | 'associated' | 'closed';
  /** Numerics poll results sent since start. */
  readonly pollsAnswered: number;
  receive(bytes: Uint8Array): void;
}

// Unit codes [VSCapture]: 0x0220 % (also in the spec example), 0x0AA0 /min, 0x17A0 °C.
const UNIT_PERCENT = 0x0220;
const UNIT_PER_MIN = 0x0aa0;
const UNIT_CELSIUS = 0x17a0;

// Placeholder association responses: SPDU type, length indicator, then a minimal body.
const ASSOCIATION_ACCEPT = Uint8Array.of(SPDU_ASSOC_ACCEPT, 0x03, 0x05, 0x08, 0x13);
const ASSOCIATION_REFUSE = Uint8Array.of(SPDU_ASSOC_REFUSE, 0x03, 0x32, 0x01, 0x00);
// `rlrs` layout [VSCapture].
const RELEASE_RESPONSE = Uint8Array.from([
  SPDU_RELEASE_RESPONSE,
  0x18,
  0xc1,
  0x16,
  0x61,
  0x80,
  0x30,
  0x80,
  0x02,
  0x01,
  0x01,
  0xa0,
  0x80,
  0x63,
  0x80,
  0x80,
  0x01,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
]);
const MDS_OBJECT = Uint8Array.of(0x00, 0x21, 0x00, 0x00, 0x00, 0x00);

class PduWriter {
  readonly #bytes: number[] = [];
  u16(value: number): this {
    this.#bytes.push((value >> 8) & 0xff, value & 0xff);
    return this;
  }
  u32(value: number): this {
    return this.u16((value >>> 16) & 0xffff).u16(value & 0xffff);
  }
  raw(bytes: Uint8Array): this {
    this.#bytes.push(...bytes);
    return this;
  }
  get length(): number {
    return this.#bytes.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** The MDS Create Event Report with an empty attribute list (the host needs no attribute). */
export function mdsCreateEventReport(invokeId: number, eventTime: number): Uint8Array {
  const info = new PduWriter().raw(MDS_OBJECT).u16(0).u16(0);
  const argument = new PduWriter()
    .raw(MDS_OBJECT)
    .u32(eventTime)
    .u16(NOTI_MDS_CREATE)
    .u16(info.length)
    .raw(info.toBytes());
  const invoke = new PduWriter()
    .u16(invokeId)
    .u16(CMD_CONFIRMED_EVENT_REPORT)
    .u16(argument.length)
    .raw(argument.toBytes());
  return new PduWriter()
    .u16(DATA_EXPORT_SESSION_ID)
    .u16(0x0002)
    .u16(RO_INVOKE)
    .u16(invoke.length)
    .raw(invoke.toBytes())
    .toBytes();
}

export interface SimulatedObservation {
  physioId: number;
  unitCode: number;
  /** Raw IntelliVue FLOAT. */
  value: number;
}

/** An extended-poll result (RORS, action 0xF13B) with one 0x0950 attribute per observation. */
export function numericsPollResult(
  invokeId: number,
  pollNumber: number,
  relativeTime: number,
  observations: readonly SimulatedObservation[],
): Uint8Array {
  const polls = new PduWriter();
  observations.forEach((observation, index) => {
    polls
      .u16(index + 1) // object handle
      .u16(1)
      .u16(14)
      .u16(ATTR_NU_VAL_OBS)
      .u16(10)
      .u16(observation.physioId)
      .u16(0)
      .u16(observation.unitCode)
      .u32(observation.value);
  });
  const context = new PduWriter().u16(0).u16(observations.length).u16(polls.length);
  context.raw(polls.toBytes());
  const reply = new PduWriter()
    .u16(pollNumber)
    .u16(0) // sequence number
    .u32(relativeTime)
    .raw(new Uint8Array(8).fill(0xff)) // absolute time not set
    .u16(0x0001)
    .u16(OBJ_CLASS_NUMERIC)
    .u16(0) // attribute group
    .u16(1)
    .u16(context.length)
    .raw(context.toBytes());
  const result = new PduWriter()
    .u16(invokeId)
    .u16(CMD_CONFIRMED_ACTION)
    .u16(10 + reply.length)
    .raw(MDS_OBJECT)
    .u16(ACT_POLL_MDIB_DATA_EXT)
    .u16(reply.length)
    .raw(reply.toBytes());
  return new PduWriter()
    .u16(DATA_EXPORT_SESSION_ID)
    .u16(0x0002)
    .u16(RO_RESULT)
    .u16(result.length)
    .raw(result.toBytes())
    .toBytes();
}

function vitalsObservations(vitals: SimulatedVitals): SimulatedObservation[] {
  const id = (refId: string): number => intellivuePhysioId(refId) ?? 0;
  return [
    {
      physioId: id(INTELLIVUE_SPO2),
      unitCode: UNIT_PERCENT,
      value: encodeIntellivueFloat(Math.round(vitals.spo2), 0),
    },
    {
      physioId: id(INTELLIVUE_HEART_RATE),
      unitCode: UNIT_PER_MIN,
      value: encodeIntellivueFloat(Math.round(vitals.hr), 0),
    },
    {
      physioId: id(INTELLIVUE_RESP_RATE),
      unitCode: UNIT_PER_MIN,
      value: encodeIntellivueFloat(Math.round(vitals.rr), 0),
    },
    {
      physioId: id(INTELLIVUE_TEMP),
      unitCode: UNIT_CELSIUS,
      value: encodeIntellivueFloat(Math.round(vitals.tempC * 10), -1),
    },
  ];
}

const readU16 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);

/** True for an ROIV confirmed action asking for an extended poll of numerics. */
function isNumericsPoll(message: Uint8Array): boolean {
  return (
    readU16(message, 0) === DATA_EXPORT_SESSION_ID &&
    readU16(message, 4) === RO_INVOKE &&
    readU16(message, 10) === CMD_CONFIRMED_ACTION &&
    // Action argument: managed object (14..19), scope u32, action type at 24, poll type code at 32.
    readU16(message, 24) === ACT_POLL_MDIB_DATA_EXT &&
    readU16(message, 32) === OBJ_CLASS_NUMERIC
  );
}

class IntellivueDeviceSimulator implements IntellivueSimulator {
  readonly #options: IntellivueSimulatorOptions;
  readonly #now: () => number;
  #vitals: SimulatedVitals;
  #deframer = new IntellivueDeframer();
  #state: IntellivueSimulator['state'] = 'off';
  #startedAtMs = 0;
  #pollsAnswered = 0;

  constructor(options: IntellivueSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#vitals = { ...options.vitals };
  }

  get state(): IntellivueSimulator['state'] {
    return this.#state;
  }

  get pollsAnswered(): number {
    return this.#pollsAnswered;
  }

  start(): void {
    if (this.#state !== 'off') return;
    this.#state = 'idle';
    this.#startedAtMs = this.#now();
    this.#pollsAnswered = 0;
  }

  stop(): void {
    this.#state = 'off';
    this.#deframer = new IntellivueDeframer();
  }

  setVitals(partial: Partial<SimulatedVitals>): void {
    this.#vitals = { ...this.#vitals, ...partial };
  }

  receive(bytes: Uint8Array): void {
    if (this.#state === 'off') return;
    for (const message of this.#deframer.push(bytes)) this.#handle(message);
  }

  #send(userData: Uint8Array): void {
    this.#options.write(encodeIntellivueFrame(userData));
  }

  /** Relative time in 1/8 ms ticks since power-on, as the monitor stamps its messages. */
  #relativeTime(): number {
    return ((this.#now() - this.#startedAtMs) * 8) >>> 0;
  }

  #handle(message: Uint8Array): void {
    const type = message[0];
    if (type === SPDU_ASSOC_REQUEST) {
      if (this.#options.refuseAssociation) {
        this.#send(ASSOCIATION_REFUSE);
        this.#state = 'closed';
        return;
      }
      this.#send(ASSOCIATION_ACCEPT);
      this.#state = 'associated';
      this.#send(mdsCreateEventReport(1, this.#relativeTime()));
      return;
    }
    if (this.#state !== 'associated') return;
    if (type === SPDU_ABORT) {
      this.#state = 'closed';
    } else if (type === SPDU_RELEASE_REQUEST) {
      this.#send(RELEASE_RESPONSE);
      this.#state = 'closed';
    } else if (isNumericsPoll(message)) {
      this.#pollsAnswered++;
      const invokeId = readU16(message, 8);
      const observations = vitalsObservations(this.#vitals);
      this.#send(
        numericsPollResult(invokeId, this.#pollsAnswered, this.#relativeTime(), observations),
      );
    }
  }
}

export function createIntellivueSimulator(
  options: IntellivueSimulatorOptions,
): IntellivueSimulator {
  return new IntellivueDeviceSimulator(options);
}
