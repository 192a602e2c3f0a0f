import { describe, expect, it, vi } from 'vitest';
import type { DecodedFrame } from '../driver';
import { cms50v5, cms50v7, type Cms50v5Reading, type Cms50v7Realtime } from '../drivers/cms50';
import {
  CMS50V7_KEEP_ALIVE_TIMEOUT_MS,
  createCms50Simulator,
  encodeCms50v5Frame,
  encodeCms50v7Realtime,
  type Cms50Protocol,
  type Cms50Sample,
  type Cms50SimulatorOptions,
} from './cms50';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
const { start: START, stop: STOP, keepAlive } = cms50v7.commands;
const KEEP_ALIVE = keepAlive?.bytes ?? new Uint8Array(0);

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');

/** What the driver must report for a frame the simulator encoded from `sample`. */
function expectedFrame(sample: Cms50Sample): DecodedFrame {
  if ('fingerOut' in sample) {
    return {
      samples: { MDC_PULS_OXIM_PLETH: [sample.pleth] },
      numerics: { MDC_PULS_OXIM_SAT_O2: sample.spo2, MDC_PULS_OXIM_PULS_RATE: sample.pulseRate },
      flags: [],
    };
  }
  return {
    samples: { MDC_PULS_OXIM_PLETH: [sample.pleth] },
    numerics: {
      MDC_PULS_OXIM_SAT_O2: sample.spo2,
      MDC_PULS_OXIM_PULS_RATE: sample.pulseRate,
      CMS50_PI_RAW: sample.perfusionIndexRaw,
    },
    flags: [],
  };
}

/** A simulator on a hand-driven clock that records every write and every frame. */
function harness(protocol: Cms50Protocol, overrides: Partial<Cms50SimulatorOptions> = {}) {
  const recorded = recordingSimulator<Cms50Sample, ReturnType<typeof createCms50Simulator>>(
    (options) => createCms50Simulator(protocol, { ...options, ...overrides }),
    VITALS,
  );
  /** Lets time pass as it does: the clock and the timer in 10 ms steps. */
  const run = (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 10) recorded.advance(10);
  };
  return { ...recorded, run };
}

const decodeAll = (protocol: Cms50Protocol, writes: Uint8Array[]) =>
  decodeCleanly(protocol === 'v5' ? cms50v5 : cms50v7, writes);

useFakeTimersInEachTest();

describe('cms50 encoders', () => {
  it('reproduce the worked examples byte for byte', () => {
    const v5: Cms50v5Reading = {
      beep: true,
      spo2Dropping: false,
      fingerOut: false,
      signalStrength: 5,
      pleth: 58,
      searching: false,
      probeError: false,
      barGraph: 6,
      pulseRate: 72,
      spo2: 98,
    };
    expect(toHex(encodeCms50v5Frame(v5))).toBe('C5 3A 06 48 62');
    const v7: Cms50v7Realtime = {
      probeError: false,
      beep: true,
      lowSpo2: false,
      searchingTooLong: false,
      signalStrength: 5,
      searching: false,
      pleth: 58,
      piValid: true,
      barGraph: 6,
      pulseRate: 72,
      spo2: 98,
      perfusionIndexRaw: 200,
    };
    expect(toHex(encodeCms50v7Realtime(v7))).toBe('01 A0 C5 BA 96 C8 E2 C8 80');
  });

  it('round-trip every flag and extreme values through the real decoders', () => {
    const v5: Cms50v5Reading = {
      beep: false,
      spo2Dropping: true,
      fingerOut: true,
      signalStrength: 15,
      pleth: 127,
      searching: true,
      probeError: true,
      barGraph: 15,
      pulseRate: 255,
      spo2: 100,
    };
    expect(cms50v5.createDecoder().push(encodeCms50v5Frame(v5))).toEqual([
      {
        ...expectedFrame(v5),
        flags: ['finger-out', 'searching', 'probe-error', 'spo2-dropping'],
      },
    ]);
    const v7: Cms50v7Realtime = {
      probeError: true,
      beep: true,
      lowSpo2: true,
      searchingTooLong: true,
      signalStrength: 15,
      searching: true,
      pleth: 127,
      piValid: true,
      barGraph: 15,
      pulseRate: 254,
      spo2: 100,
      perfusionIndexRaw: 0xfffe,
    };
    expect(cms50v7.createDecoder().push(encodeCms50v7Realtime(v7))).toEqual([
      {
        ...expectedFrame(v7),
        flags: ['searching', 'searching-too-long', 'probe-error', 'low-spo2'],
      },
    ]);
  });
});

describe('cms50 simulator pacing', () => {
  for (const protocol of ['v5', 'v7'] as const) {
    const begin = (h: ReturnType<typeof harness>) => {
      h.simulator.start();
      if (protocol === 'v7') h.simulator.receive?.(START ?? new Uint8Array(0));
    };

    it(`${protocol}: sends frames that decode back to exactly what it encoded`, () => {
      const h = harness(protocol);
      begin(h);
      for (let i = 0; i < 300; i++) h.advance(10);
      h.simulator.stop();
      expect(h.sent.length).toBe(h.simulator.framesSent);
      expect(h.sent.length).toBe(181); // frames 0..180 over 3 s
      expect(decodeAll(protocol, h.writes)).toEqual(h.sent.map(expectedFrame));
      // The synthetic pulse beeps once per beat: 72 /min over 3 s is 3 or 4 beeps.
      expect(h.sent.filter((s) => s.beep).length).toBeGreaterThanOrEqual(3);
      expect(h.sent.filter((s) => s.beep).length).toBeLessThanOrEqual(4);
      expect(new Set(h.sent.map((s) => s.pleth)).size).toBeGreaterThan(20);
    });

    it(`${protocol}: paces by the clock, every due frame in one write per tick`, () => {
      const h = harness(protocol, { tickMs: 1 });
      begin(h);
      const startedAt = h.clock.ms;
      expect(h.simulator.startedAt).toBe(startedAt);
      expect(h.simulator.framesSent).toBe(1); // frame 0 is due at once
      expect(h.writes).toHaveLength(1);
      for (const stepMs of [10, 10, 13, 7, 20, 10, 3, 17, 10, 10, 890]) {
        const before = h.writes.length;
        h.advance(stepMs);
        expect(h.writes.length - before).toBeLessThanOrEqual(1);
        const due = Math.floor(((h.clock.ms - startedAt) * 60) / 1000) + 1;
        expect(h.simulator.framesSent, `after ${h.clock.ms - startedAt} ms`).toBe(due);
      }
      expect(h.simulator.framesSent).toBe(61); // frame 60 is due at exactly 1 s
      expect(h.indices).toEqual(Array.from({ length: 61 }, (_, i) => i));
    });

    it(`${protocol}: drops the backlog after a long stall instead of flooding the port`, () => {
      const h = harness(protocol);
      begin(h);
      h.clock.ms += 60_000; // host asleep: the timer did not run
      h.simulator.receive?.(KEEP_ALIVE); // a v7 host wakes up and keeps the stream alive
      vi.advanceTimersByTime(10);
      expect(h.sent.length).toBeLessThanOrEqual(121);
      expect(decodeAll(protocol, h.writes).length).toBe(h.simulator.framesSent);
    });
  }

  it('carries new vitals in the frames sent after setVitals, rounded and clamped', () => {
    const h = harness('v5');
    h.simulator.start();
    h.advance(500);
    const before = h.sent.length;
    h.simulator.setVitals({ hr: 130.4, spo2: 101 });
    h.advance(500);
    for (const [i, frame] of decodeAll('v5', h.writes).entries()) {
      const changed = i >= before;
      expect(frame.numerics.MDC_PULS_OXIM_PULS_RATE).toBe(changed ? 130 : 72);
      expect(frame.numerics.MDC_PULS_OXIM_SAT_O2).toBe(changed ? 100 : 98);
    }
  });

  it('v5 streams from power-on and ignores host bytes', () => {
    const h = harness('v5');
    h.simulator.start();
    h.simulator.receive?.(STOP ?? new Uint8Array(0));
    h.advance(100);
    expect(h.simulator.streaming).toBe(true);
    h.simulator.stop();
    const written = h.writes.length;
    h.advance(1000);
    expect(h.writes.length).toBe(written);
  });
});

describe('cms50 v7 simulator commands', () => {
  it('is silent before the start command and streams after it', () => {
    const h = harness('v7');
    h.simulator.start();
    h.advance(3000);
    expect(h.writes).toHaveLength(0);
    expect(h.simulator.streaming).toBe(false);
    h.simulator.receive?.(START ?? new Uint8Array(0));
    expect(h.simulator.streaming).toBe(true);
    h.advance(1000);
    expect(decodeAll('v7', h.writes)).toHaveLength(61);
  });

  it('understands commands split across writes and mixed with noise', () => {
    const h = harness('v7');
    h.simulator.start();
    const noisy = Uint8Array.of(0xff, 0x13, 0x7d, 0x81, ...(START ?? []));
    for (const byte of noisy) h.simulator.receive?.(Uint8Array.of(byte));
    expect(h.simulator.streaming).toBe(true);
  });

  it('stops on the stop command and starts a new run on the next start', () => {
    const h = harness('v7');
    h.simulator.start();
    h.simulator.receive?.(START ?? new Uint8Array(0));
    h.advance(500);
    h.simulator.receive?.(STOP ?? new Uint8Array(0));
    const written = h.writes.length;
    h.advance(2000);
    expect(h.writes.length).toBe(written);
    h.simulator.receive?.(START ?? new Uint8Array(0));
    expect(h.simulator.startedAt).toBe(h.clock.ms);
    expect(h.simulator.framesSent).toBe(1);
  });

  it('keeps streaming while keep-alives arrive every 5 s', () => {
    const h = harness('v7');
    h.simulator.start();
    h.simulator.receive?.(START ?? new Uint8Array(0));
    for (let s = 0; s < 60; s += 5) {
      h.run(5000);
      h.simulator.receive?.(KEEP_ALIVE);
    }
    expect(h.simulator.streaming).toBe(true);
    expect(h.simulator.framesSent).toBe(60 * 60 + 1);
  });

  it(`stops streaming after ${CMS50V7_KEEP_ALIVE_TIMEOUT_MS} ms without a keep-alive`, () => {
    const h = harness('v7');
    h.simulator.start();
    h.simulator.receive?.(START ?? new Uint8Array(0));
    h.run(CMS50V7_KEEP_ALIVE_TIMEOUT_MS);
    expect(h.simulator.streaming).toBe(true);
    h.run(20);
    expect(h.simulator.streaming).toBe(false);
    const written = h.writes.length;
    h.run(5000);
    h.simulator.receive?.(KEEP_ALIVE); // too late: only a start resumes the stream
    h.run(1000);
    expect(h.writes.length).toBe(written);
    // Frames 0..600 went out over the 10 s, and none after.
    expect(decodeAll('v7', h.writes)).toHaveLength(601);
  });

  it('ignores commands while the device is off', () => {
    const h = harness('v7');
    h.simulator.receive?.(START ?? new Uint8Array(0));
    h.advance(1000);
    expect(h.writes).toHaveLength(0);
  });
});
