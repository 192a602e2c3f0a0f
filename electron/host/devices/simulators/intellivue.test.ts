import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../driver';
import { encodeIntellivueFrame, IntellivueDeframer } from '../drivers/intellivue-framing';
import {
  FLAG_ASSOCIATION_REFUSED,
  FLAG_ASSOCIATION_RELEASED,
  INTELLIVUE_ABORT,
  INTELLIVUE_ASSOCIATION_REQUEST,
  INTELLIVUE_NUMERICS_POLL,
  createIntellivueDecoder,
  intellivueMib,
} from '../drivers/intellivue';
import { createIntellivueSimulator, type IntellivueSimulatorOptions } from './intellivue';

const VITALS = { hr: 72, spo2: 97, rr: 16, tempC: 36.8 };
const START = intellivueMib.commands.start ?? new Uint8Array(0);
const KEEP_ALIVE = intellivueMib.commands.keepAlive?.bytes ?? new Uint8Array(0);
const STOP = intellivueMib.commands.stop ?? new Uint8Array(0);

/** Simulator and decoder wired back to back: decoder replies go to the simulator at once. */
function session(overrides: Partial<IntellivueSimulatorOptions> = {}) {
  const fromDevice: Uint8Array[] = [];
  const simulator = createIntellivueSimulator({
    write: (bytes) => fromDevice.push(bytes),
    vitals: VITALS,
    now: () => 1000,
    ...overrides,
  });
  const decoder = createIntellivueDecoder();
  const frames: DecodedFrame[] = [];
  const hostWrite = (bytes: Uint8Array) => {
    simulator.receive(bytes);
    // Deliver everything the device wrote, then whatever the decoder wants sent back.
    for (let guard = 0; fromDevice.length > 0 && guard < 100; guard++) {
      const chunk = fromDevice.shift() ?? new Uint8Array(0);
      frames.push(...decoder.push(chunk));
      for (const reply of decoder.takeReplies()) simulator.receive(reply);
    }
  };
  return { simulator, decoder, frames, fromDevice, hostWrite };
}

describe('IntelliVue simulator', () => {
  it('sends only well-framed messages: association request body has its stated length', () => {
    expect(INTELLIVUE_ASSOCIATION_REQUEST.length).toBe(4 + 0x0128);
    expect(START).toEqual(encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST));
  });

  it('runs a session through the decoder and yields the vitals', () => {
    const { simulator, decoder, frames, hostWrite } = session();
    simulator.start();
    hostWrite(START);
    expect(simulator.state).toBe('associated');
    expect(frames).toEqual([
      {
        samples: {},
        numerics: {
          MDC_PULS_OXIM_SAT_O2: 97,
          MDC_ECG_HEART_RATE: 72,
          MDC_RESP_RATE: 16,
          MDC_TEMP_BODY: 36.8,
        },
        flags: [],
      },
    ]);
    simulator.setVitals({ spo2: 91, hr: 110 });
    hostWrite(KEEP_ALIVE);
    expect(frames[1]?.numerics).toMatchObject({
      MDC_PULS_OXIM_SAT_O2: 91,
      MDC_ECG_HEART_RATE: 110,
    });
    expect(simulator.pollsAnswered).toBe(2);
    expect(decoder.stats).toEqual({ framesOk: 4, framesBad: 0, bytesSkipped: 0 });
  });

  it('writes byte-exact frames that the deframer accepts whole', () => {
    const { simulator, fromDevice } = session();
    simulator.start();
    simulator.receive(START);
    const deframer = new IntellivueDeframer();
    const messages = fromDevice.flatMap((chunk) => deframer.push(chunk));
    expect(messages.map((m) => m[0])).toEqual([0x0e, 0xe1]);
    expect(messages.map((m) => encodeIntellivueFrame(m))).toEqual(fromDevice);
  });

  it('refused association yields the flag and no numerics', () => {
    const { simulator, frames, hostWrite } = session({ refuseAssociation: true });
    simulator.start();
    hostWrite(START);
    hostWrite(KEEP_ALIVE);
    expect(frames).toEqual([{ samples: {}, numerics: {}, flags: [FLAG_ASSOCIATION_REFUSED] }]);
  });

  it('is silent after an abort', () => {
    const { simulator, fromDevice, hostWrite, frames } = session();
    simulator.start();
    hostWrite(START);
    hostWrite(encodeIntellivueFrame(INTELLIVUE_ABORT));
    expect(simulator.state).toBe('closed');
    const before = frames.length;
    simulator.receive(encodeIntellivueFrame(INTELLIVUE_NUMERICS_POLL));
    expect(fromDevice).toEqual([]);
    expect(frames.length).toBe(before);
  });

  it('answers a release and then stays silent', () => {
    const { simulator, fromDevice, hostWrite, frames } = session();
    simulator.start();
    hostWrite(START);
    hostWrite(STOP);
    expect(frames.at(-1)?.flags).toEqual([FLAG_ASSOCIATION_RELEASED]);
    simulator.receive(KEEP_ALIVE);
    expect(fromDevice).toEqual([]);
  });

  it('ignores the host while off and before association', () => {
    const { simulator, fromDevice } = session();
    simulator.receive(START);
    expect(fromDevice).toEqual([]);
    simulator.start();
    simulator.receive(KEEP_ALIVE);
    expect(fromDevice).toEqual([]);
    simulator.stop();
    expect(simulator.state).toBe('off');
  });
});
