import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
import { INTELLIVUE_WAVE_POLL, scaleSample } from '../drivers/intellivue-waves';
import { createIntellivueSimulator, type IntellivueSimulatorOptions } from './intellivue';
import { SIMULATED_WAVES, WAVE_RESULT_MS } from './intellivue-waves';

const VITALS = { hr: 72, spo2: 97, rr: 16, tempC: 36.8 };
const START = intellivueMib.commands.start ?? new Uint8Array(0);
const KEEP_ALIVE = intellivueMib.commands.keepAlive?.bytes ?? new Uint8Array(0);
const STOP = intellivueMib.commands.stop ?? new Uint8Array(0);

/** Simulator and decoder wired back to back: decoder replies go to the simulator at once. */
function session(overrides: Partial<IntellivueSimulatorOptions> = {}) {
  const fromDevice: Uint8Array[] = [];
  const clock = { ms: 1000 };
  const simulator = createIntellivueSimulator({
    write: (bytes) => fromDevice.push(bytes),
    vitals: VITALS,
    now: () => clock.ms,
    ...overrides,
  });
  const decoder = createIntellivueDecoder();
  const frames: DecodedFrame[] = [];
  // Deliver everything the device wrote, then whatever the decoder wants sent back.
  const pump = () => {
    for (let guard = 0; fromDevice.length > 0 && guard < 10_000; guard++) {
      const chunk = fromDevice.shift() ?? new Uint8Array(0);
      frames.push(...decoder.push(chunk));
      for (const reply of decoder.takeReplies()) simulator.receive(reply);
    }
  };
  const hostWrite = (bytes: Uint8Array) => {
    simulator.receive(bytes);
    pump();
  };
  /** Moves the simulator's clock and its pacing timer on together, delivering as it goes. */
  const advance = (ms: number, stepMs = 100) => {
    for (let done = 0; done < ms; done += stepMs) {
      clock.ms += stepMs;
      vi.advanceTimersByTime(stepMs);
      pump();
    }
  };
  return { simulator, decoder, frames, fromDevice, hostWrite, pump, advance };
}

const numericFrames = (frames: DecodedFrame[]) =>
  frames.filter((frame) => Object.keys(frame.numerics).length > 0);
const waveFrames = (frames: DecodedFrame[]) =>
  frames.filter((frame) => Object.keys(frame.samples).length > 0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('IntelliVue simulator', () => {
  it('sends only well-framed messages: association request body has its stated length', () => {
    expect(INTELLIVUE_ASSOCIATION_REQUEST.length).toBe(4 + 0x0128);
    expect(START).toEqual(
      Uint8Array.from([
        ...encodeIntellivueFrame(INTELLIVUE_ABORT),
        ...encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST),
      ]),
    );
  });

  it('runs a session through the decoder and yields the vitals', () => {
    const { simulator, decoder, frames, hostWrite } = session();
    simulator.start();
    hostWrite(START);
    expect(simulator.state).toBe('associated');
    expect(numericFrames(frames)).toEqual([
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
    expect(numericFrames(frames)[1]?.numerics).toMatchObject({
      MDC_PULS_OXIM_SAT_O2: 91,
      MDC_ECG_HEART_RATE: 110,
    });
    expect(simulator.pollsAnswered).toBe(2);
    // Accept, MDS create, two numerics results and the first wave result.
    expect(decoder.stats).toEqual({ framesOk: 5, framesBad: 0, bytesSkipped: 0 });
    simulator.stop();
  });

  it('streams waves in real time that decode to exactly the encoded samples', () => {
    const sent: Record<string, number[]> = {};
    const { simulator, frames, hostWrite, advance } = session({
      onWaveCounts: (counts) => {
        for (const [key, values] of Object.entries(counts)) (sent[key] ??= []).push(...values);
      },
    });
    simulator.start();
    hostWrite(START);
    advance(1000);
    // Results at 0, 256, 512 and 768 ms: 256 ms of each wave apiece.
    expect(simulator.waveResultsSent).toBe(4);
    const decoded: Record<string, number[]> = {};
    for (const frame of waveFrames(frames)) {
      for (const [key, values] of Object.entries(frame.samples)) {
        (decoded[key] ??= []).push(...values);
      }
    }
    for (const wave of SIMULATED_WAVES) {
      const counts = sent[wave.key] ?? [];
      expect(counts.length, wave.key).toBe(
        (4 * WAVE_RESULT_MS * (8000 / wave.samplePeriodTicks)) / 1000,
      );
      expect(new Set(counts).size, `${wave.key} varies`).toBeGreaterThan(1);
      // Stored as integers: 1 µV (ECG) or 1/1000 (pleth, respiration) per count.
      expect(decoded[wave.key], wave.key).toEqual(
        counts.map((c) => Math.round(scaleSample(c, wave.scale) * 1000) + 0),
      );
      expect(decoded[wave.key]?.every(Number.isInteger)).toBe(true);
    }
    expect(Object.keys(decoded).sort()).toEqual([
      'INTELLIVUE_RESP',
      'MDC_ECG_ELEC_POTL_II',
      'MDC_PULS_OXIM_PLETH',
    ]);
    simulator.stop();
  });

  it('keeps streaming past the poll period because the decoder renews the poll in time', () => {
    const { simulator, frames, hostWrite, advance } = session();
    simulator.start();
    hostWrite(START);
    // 157 results' worth of time, well past the 30 s period: one result per 256 ms, none twice.
    advance(157 * WAVE_RESULT_MS, WAVE_RESULT_MS);
    expect(simulator.waveResultsSent).toBe(158);
    const ecg = waveFrames(frames).flatMap((frame) => frame.samples.MDC_ECG_ELEC_POTL_II ?? []);
    expect(ecg.length).toBe(simulator.waveResultsSent * 128);
    simulator.stop();
  });

  it('stops the wave stream when the poll period runs out without a new poll', () => {
    const clock = { ms: 0 };
    const simulator = createIntellivueSimulator({
      write: () => {},
      vitals: VITALS,
      now: () => clock.ms,
    });
    simulator.start();
    simulator.receive(START);
    simulator.receive(encodeIntellivueFrame(INTELLIVUE_WAVE_POLL));
    for (; clock.ms < 40_000; clock.ms += 100) vi.advanceTimersByTime(100);
    // 30 s of results, the first at 0 ms and the last at 29 952 ms.
    expect(simulator.waveResultsSent).toBe(Math.floor(30_000 / WAVE_RESULT_MS) + 1);
    expect(vi.getTimerCount()).toBe(0);
    simulator.stop();
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

  it('restarted, holds no association and answers no poll until associated again', () => {
    const { simulator, frames, fromDevice, hostWrite, advance } = session();
    simulator.start();
    hostWrite(START);
    simulator.stop();
    simulator.start();
    expect(simulator.state).toBe('idle');
    advance(1000);
    simulator.receive(KEEP_ALIVE);
    expect(fromDevice).toEqual([]);
    const before = numericFrames(frames).length;
    hostWrite(START);
    expect(simulator.state).toBe('associated');
    expect(numericFrames(frames).length).toBe(before + 1);
  });

  it('ignores a second association request while one holds, and takes one after an abort', () => {
    const { simulator, fromDevice, hostWrite } = session();
    simulator.start();
    hostWrite(START);
    simulator.receive(encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST));
    expect(fromDevice).toEqual([]);
    hostWrite(encodeIntellivueFrame(INTELLIVUE_ABORT));
    hostWrite(encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST));
    expect(simulator.state).toBe('associated');
    expect(simulator.pollsAnswered).toBe(2);
  });

  it('associates again at once with a host that reconnects while the old association holds', () => {
    // The adapter was unplugged and replugged: the monitor never noticed, the host starts over.
    const { simulator, fromDevice, hostWrite } = session();
    simulator.start();
    hostWrite(START);
    simulator.receive(START);
    const deframer = new IntellivueDeframer();
    const answers = fromDevice.flatMap((chunk) => deframer.push(chunk));
    expect(answers.map((message) => message[0])).toEqual([0x0e, 0xe1]);
    expect(simulator.state).toBe('associated');
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
