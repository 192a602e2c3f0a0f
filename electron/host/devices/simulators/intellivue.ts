// Byte-exact framing of a Philips IntelliVue monitor's Data Export side over MIB/RS-232
// (../shared/protocols/README.md §5): answers an association request (accepted `0E…` or refused
// `0C…`), sends an MDS Create Event Report, answers numerics polls with the vitals, streams wave poll
// results (ECG II, pleth, respiration; see intellivue-waves.ts) in real time for the poll's period, and goes
// silent after an abort or release. Switched on (start) or restarted (stop, start) it holds no
// association and answers nothing until it is asked for one. The association response bodies are not a real monitor's bytes (no
// public capture was at hand): only their first byte, the SPDU type, is meaningful.

import {
  INTELLIVUE_HEART_RATE,
  INTELLIVUE_RESP_RATE,
  INTELLIVUE_SPO2,
  INTELLIVUE_TEMP,
  SPDU_ABORT,
  SPDU_ASSOC_ACCEPT,
  SPDU_ASSOC_REFUSE,
  SPDU_ASSOC_REQUEST,
  SPDU_RELEASE_REQUEST,
  SPDU_RELEASE_RESPONSE,
  intellivuePhysioId,
} from '../drivers/intellivue';
import {
  ACT_POLL_MDIB_DATA_EXT,
  ATTR_NU_VAL_OBS,
  CMD_CONFIRMED_ACTION,
  CMD_CONFIRMED_EVENT_REPORT,
  DATA_EXPORT_SESSION_ID,
  MDS_MANAGED_OBJECT,
  NOTI_MDS_CREATE,
  OBJ_CLASS_NUMERIC,
  OBJ_CLASS_SAMPLE_ARRAY,
  RO_INVOKE,
  encodeIntellivueFloat,
} from '../drivers/intellivue-attributes';
import { IntellivueDeframer, encodeIntellivueFrame } from '../drivers/intellivue-framing';
import type { DeviceSimulator, SimulatedVitals, SimulatorOptions } from '../simulator';
import {
  WAVE_RESULT_MS,
  syntheticWaveSource,
  wavePollResult,
  waveResultCounts,
  type IntellivueWaveSource,
} from './intellivue-waves';
import { PduWriter, pollResultPdu } from './intellivue-pdu-writer';

export interface IntellivueSimulatorOptions extends SimulatorOptions {
  refuseAssociation?: boolean;
  /** Demo recordings to play; synthetic shapes from the vitals when absent. */
  waveSource?: IntellivueWaveSource;
  /** How often the pacing timer looks for due wave results. */
  tickMs?: number;
  /** Sees the scaled counts of every wave result as it is sent, so tests can check the decoder. */
  onWaveCounts?(counts: Record<string, number[]>): void;
}

export interface IntellivueSimulator extends DeviceSimulator {
  readonly state: 'off' | 'idle' | 'associated' | 'closed';
  /** Numerics poll results sent since start. */
  readonly pollsAnswered: number;
  /** Wave poll results sent since start. */
  readonly waveResultsSent: number;
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

/** The MDS Create Event Report with an empty attribute list (the host needs no attribute). */
export function mdsCreateEventReport(invokeId: number, eventTime: number): Uint8Array {
  const info = new PduWriter().raw(MDS_MANAGED_OBJECT).u16(0).u16(0);
  const argument = new PduWriter()
    .raw(MDS_MANAGED_OBJECT)
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
  return pollResultPdu(
    invokeId,
    null,
    pollNumber,
    0,
    relativeTime,
    OBJ_CLASS_NUMERIC,
    observations.length,
    polls.toBytes(),
  );
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

/** The object class an ROIV confirmed action asks an extended poll of, or null for other messages. */
function extendedPollClass(message: Uint8Array): number | null {
  const isPoll =
    readU16(message, 0) === DATA_EXPORT_SESSION_ID &&
    readU16(message, 4) === RO_INVOKE &&
    readU16(message, 10) === CMD_CONFIRMED_ACTION &&
    // Action argument: managed object (14..19), scope u32, action type at 24, poll type code at 32.
    readU16(message, 24) === ACT_POLL_MDIB_DATA_EXT;
  return isPoll ? readU16(message, 32) : null;
}

/** The poll period (1/8 ms) of an extended poll: attribute 0xF13E in its attribute list. */
function extendedPollPeriodTicks(message: Uint8Array): number {
  // Attribute list at 36: count, length, then id 0xF13E, length 4, the period.
  const fallback = 0;
  if (readU16(message, 36) < 1 || readU16(message, 40) !== 0xf13e) return fallback;
  return ((readU16(message, 44) << 16) | readU16(message, 46)) >>> 0;
}

const DEFAULT_TICK_MS = 20;
// A stalled host gets no backlog beyond this: a real monitor does not buffer for it either.
const MAX_BACKLOG_MS = 2000;

/** A running wave poll: results are due every WAVE_RESULT_MS from its start until it ends. */
interface WaveStream {
  invokeId: number;
  pollNumber: number;
  startedAtMs: number;
  endsAtMs: number;
  /** Index of the next result; result n carries samples from n × WAVE_RESULT_MS. */
  next: number;
  /** The static context goes with the first result after each poll request. */
  sendContext: boolean;
}

class IntellivueDeviceSimulator implements IntellivueSimulator {
  readonly #options: IntellivueSimulatorOptions;
  readonly #now: () => number;
  readonly #waveSource: IntellivueWaveSource;
  #vitals: SimulatedVitals;
  #deframer = new IntellivueDeframer();
  #state: IntellivueSimulator['state'] = 'off';
  #startedAtMs = 0;
  #pollsAnswered = 0;
  #waveResultsSent = 0;
  #waves: WaveStream | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: IntellivueSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#vitals = { ...options.vitals };
    this.#waveSource = options.waveSource ?? syntheticWaveSource(() => this.#vitals);
  }

  get state(): IntellivueSimulator['state'] {
    return this.#state;
  }

  get pollsAnswered(): number {
    return this.#pollsAnswered;
  }

  get waveResultsSent(): number {
    return this.#waveResultsSent;
  }

  start(): void {
    if (this.#state !== 'off') return;
    this.#state = 'idle';
    this.#startedAtMs = this.#now();
    this.#pollsAnswered = 0;
    this.#waveResultsSent = 0;
  }

  stop(): void {
    this.#state = 'off';
    this.#deframer = new IntellivueDeframer();
    this.#stopWaves();
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
  #relativeTime(atMs = this.#now()): number {
    return ((atMs - this.#startedAtMs) * 8) >>> 0;
  }

  #handle(message: Uint8Array): void {
    const type = message[0];
    // The notes name no answer to a second request while an association holds: it is ignored,
    // so a host that lost track must end the old association first.
    if (type === SPDU_ASSOC_REQUEST && this.#state !== 'associated') {
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
      this.#stopWaves();
      return;
    }
    if (type === SPDU_RELEASE_REQUEST) {
      this.#send(RELEASE_RESPONSE);
      this.#state = 'closed';
      this.#stopWaves();
      return;
    }
    const pollClass = extendedPollClass(message);
    const invokeId = readU16(message, 8);
    if (pollClass === OBJ_CLASS_NUMERIC) {
      this.#pollsAnswered++;
      const observations = vitalsObservations(this.#vitals);
      this.#send(
        numericsPollResult(invokeId, this.#pollsAnswered, this.#relativeTime(), observations),
      );
    } else if (pollClass === OBJ_CLASS_SAMPLE_ARRAY) {
      this.#startWaves(invokeId, readU16(message, 28), extendedPollPeriodTicks(message));
    }
    // Anything else (the RTSA priority SET included) goes unanswered: every wave is always exported.
  }

  /** A new poll extends a running stream (samples stay continuous) or starts one. */
  #startWaves(invokeId: number, pollNumber: number, periodTicks: number): void {
    const now = this.#now();
    const endsAtMs = now + periodTicks / 8;
    if (this.#waves) {
      Object.assign(this.#waves, { invokeId, pollNumber, endsAtMs, sendContext: true });
    } else {
      this.#waves = {
        invokeId,
        pollNumber,
        startedAtMs: now,
        endsAtMs,
        next: 0,
        sendContext: true,
      };
      this.#timer = setInterval(
        () => this.#sendDueWaves(),
        this.#options.tickMs ?? DEFAULT_TICK_MS,
      );
    }
    this.#sendDueWaves();
  }

  #stopWaves(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#waves = null;
  }

  /** Sends every wave result due by now, each with the samples of its 256 ms. */
  #sendDueWaves(): void {
    const stream = this.#waves;
    if (!stream || this.#state !== 'associated') return;
    const now = this.#now();
    const due =
      Math.floor((Math.min(now, stream.endsAtMs) - stream.startedAtMs) / WAVE_RESULT_MS) + 1;
    const maxBacklog = Math.ceil(MAX_BACKLOG_MS / WAVE_RESULT_MS);
    if (due - stream.next > maxBacklog) stream.next = due - maxBacklog;
    // The index moves on before the write, so a poll the host sends in answer cannot repeat it.
    while (stream.next < due) this.#sendWaveResult(stream, stream.next++);
    if (now >= stream.endsAtMs) this.#stopWaves();
  }

  #sendWaveResult(stream: WaveStream, index: number): void {
    const waves = waveResultCounts(this.#waveSource, index);
    this.#options.onWaveCounts?.(Object.fromEntries(waves.map((w) => [w.wave.key, w.counts])));
    const relativeTime = this.#relativeTime(stream.startedAtMs + index * WAVE_RESULT_MS);
    const withContext = stream.sendContext;
    stream.sendContext = false;
    this.#waveResultsSent++;
    this.#send(
      wavePollResult(stream.invokeId, stream.pollNumber, index, relativeTime, waves, withContext),
    );
  }
}

export function createIntellivueSimulator(
  options: IntellivueSimulatorOptions,
): IntellivueSimulator {
  return new IntellivueDeviceSimulator(options);
}
