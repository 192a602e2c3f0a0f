import { describe, expect, it, vi } from 'vitest';
import type { Driver } from '../driver';
import { nonin2, nonin7, nonin8, noninFormatSelect } from '../drivers/nonin';
import {
  createNoninSimulator,
  encodeNoninFormat2,
  encodeNoninFormat7,
  encodeNoninFormat8,
  noninPacketDataByte,
  type NoninSimulatorOptions,
} from './nonin';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 97, rr: 16, tempC: 36.5 };
const DRIVERS: Record<2 | 7 | 8, Driver> = { 2: nonin2, 7: nonin7, 8: nonin8 };

const toHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** A simulator on a hand-driven clock that records every write and every frame. */
const harness = (format: 2 | 7 | 8, overrides: Partial<NoninSimulatorOptions> = {}) =>
  recordingSimulator<Uint8Array, ReturnType<typeof createNoninSimulator>>(
    (options) => createNoninSimulator(format, { ...options, ...overrides }),
    VITALS,
  );

const decodeAll = decodeCleanly;

useFakeTimersInEachTest();

describe('nonin encoders', () => {
  it('reproduce the worked examples byte for byte', () => {
    const green = { perfusion: 'none' as const };
    expect(toHex(encodeNoninFormat2({ sync: false, pleth: 73, data: 0, status: green }))).toBe(
      '01 80 49 00 ca',
    );
    expect(toHex(encodeNoninFormat7({ sync: true, pleth: 0x1234, data: 0, status: green }))).toBe(
      '81 12 34 00 c7',
    );
    expect(toHex(encodeNoninFormat8({ hr: 72, spo2: 97 }))).toBe('80 48 61 00');
  });

  it('round-trip status flags and 9-bit heart rates through the real decoders', () => {
    const frame = encodeNoninFormat7({
      sync: false,
      pleth: 65535,
      data: 0,
      status: {
        sensorDisconnected: true,
        artifact: true,
        outOfTrack: true,
        sensorAlarm: true,
        perfusion: 'red',
      },
    });
    expect(nonin7.createDecoder().push(frame)).toEqual([
      {
        samples: { MDC_PULS_OXIM_PLETH: [65535] },
        numerics: {},
        flags: ['sensor-disconnected', 'artifact', 'out-of-track', 'sensor-alarm', 'perfusion-red'],
      },
    ]);
    const all = encodeNoninFormat8({
      hr: 510,
      spo2: 100,
      sensorDisconnected: true,
      outOfTrack: true,
      lowPerfusion: true,
      marginalPerfusion: true,
      artifact: true,
      sensorAlarm: true,
      lowBattery: true,
      criticalBattery: true,
    });
    const [decoded] = nonin8.createDecoder().push(all);
    expect(decoded?.numerics).toEqual({ MDC_PULS_OXIM_PULS_RATE: 510, MDC_PULS_OXIM_SAT_O2: 100 });
    expect(decoded?.flags).toHaveLength(8);
    expect([1, 2, 3, 4].map((n) => noninPacketDataByte(n, 300, 97))).toEqual([2, 44, 97, 0]);
  });
});

describe('createNoninSimulator', () => {
  for (const format of [2, 7, 8] as const) {
    it(`format ${format}: sends frames that decode back to the vitals it was given`, () => {
      const { writes, sent, simulator, advance } = harness(format);
      simulator.start();
      for (let i = 0; i < 300; i++) advance(10);
      simulator.setVitals({ hr: 130.4, spo2: 88.6 });
      for (let i = 0; i < 300; i++) advance(10);
      simulator.stop();
      expect(sent.length).toBe(simulator.framesSent);
      const frames = decodeAll(DRIVERS[format], writes);
      expect(frames).toHaveLength(sent.length);
      const numerics = frames
        .filter((f) => Object.keys(f.numerics).length > 0)
        .map((f) => f.numerics);
      expect(numerics[0]).toEqual({ MDC_PULS_OXIM_PULS_RATE: 72, MDC_PULS_OXIM_SAT_O2: 97 });
      expect(numerics.at(-1)).toEqual({ MDC_PULS_OXIM_PULS_RATE: 130, MDC_PULS_OXIM_SAT_O2: 89 });
      if (format === 8) {
        expect(frames).toHaveLength(7); // frames 0..6: frame 6 is due at exactly 6 s
        return;
      }
      expect(frames).toHaveLength(6 * 75 + 1);
      expect(numerics).toHaveLength(18); // one per complete 25-frame packet
      const pleth = frames.map((f) => f.samples.MDC_PULS_OXIM_PLETH?.[0] ?? -1);
      const max = format === 2 ? 255 : 65535;
      expect(pleth.every((v) => Number.isInteger(v) && v >= 0 && v <= max)).toBe(true);
      // The pulse shape beats at the heart rate: 72/min → 3 or 4 peaks in the first 3 s.
      const first3s = pleth.slice(0, 225);
      const peaks = first3s.filter(
        (v, i) => v > (first3s[i - 1] ?? Infinity) && v >= (first3s[i + 1] ?? -Infinity),
      );
      expect(peaks.length).toBeGreaterThanOrEqual(3);
    });
  }

  it('paces by the clock: every due frame is written, one write per tick', () => {
    const { clock, writes, indices, simulator, advance } = harness(2, { tickMs: 1 });
    simulator.start();
    const startedAt = clock.ms;
    expect(simulator.startedAt).toBe(startedAt);
    expect(simulator.framesSent).toBe(1);
    for (const stepMs of [10, 10, 13, 7, 20, 10, 3, 17, 10, 10, 890]) {
      const before = writes.length;
      advance(stepMs);
      expect(writes.length - before).toBeLessThanOrEqual(1);
      const due = Math.floor(((clock.ms - startedAt) * 75) / 1000) + 1;
      expect(simulator.framesSent, `after ${clock.ms - startedAt} ms`).toBe(due);
    }
    expect(simulator.framesSent).toBe(76);
    expect(indices).toEqual(Array.from({ length: 76 }, (_, i) => i));
  });

  it('format 8 sends one frame per second', () => {
    const { simulator, advance, writes } = harness(8);
    simulator.start();
    for (let i = 0; i < 999; i++) advance(10);
    expect(simulator.framesSent).toBe(10);
    advance(10);
    expect(simulator.framesSent).toBe(11);
    expect(writes.every((w) => w.length === 4)).toBe(true);
  });

  it('drops the backlog after a long stall and resumes at a packet boundary', () => {
    const { writes, simulator, clock, indices } = harness(7);
    simulator.start();
    clock.ms += 60_000;
    vi.advanceTimersByTime(10);
    expect((writes.at(-1)?.length ?? 0) / 5).toBeLessThanOrEqual(150);
    expect((indices[1] ?? 0) % 25).toBe(0);
    const frames = decodeAll(nonin7, writes);
    expect(frames.some((f) => Object.keys(f.numerics).length > 0)).toBe(true);
  });

  it('does not write when stopped, and a restart begins a new run', () => {
    const { writes, simulator, advance, clock } = harness(2);
    simulator.start();
    advance(100);
    simulator.stop();
    const written = writes.length;
    advance(1000);
    expect(writes.length).toBe(written);
    simulator.start();
    expect(simulator.startedAt).toBe(clock.ms);
    expect(simulator.framesSent).toBe(1);
  });
});

describe('createNoninSimulator: format select', () => {
  it('answers ACK to the drivers’ start commands and switches format', () => {
    const { writes, simulator, advance } = harness(2);
    simulator.start();
    advance(100);
    for (const driver of [nonin7, nonin8, nonin2]) {
      writes.length = 0;
      const command = driver.commands.start ?? new Uint8Array();
      // Split across two writes, after some unrelated bytes.
      simulator.receive(Uint8Array.of(0xff, 0x00, ...command.subarray(0, 3)));
      simulator.receive(command.subarray(3));
      expect(writes).toEqual([Uint8Array.of(0x06)]);
      expect(`nonin-${simulator.format}`).toBe(driver.descriptor.id);
      advance(2000);
      expect(decodeAll(driver, writes.slice(1)).length).toBeGreaterThan(0);
    }
  });

  it('answers NAK to an unknown format and keeps sending the current one', () => {
    const { writes, simulator } = harness(7);
    simulator.receive(noninFormatSelect(13));
    expect(writes).toEqual([Uint8Array.of(0x15)]);
    expect(simulator.format).toBe(7);
  });

  it('ignores bytes that are not a command, holding at most a command prefix', () => {
    const { writes, simulator } = harness(2);
    simulator.receive(new Uint8Array(100_000).fill(0x02));
    simulator.receive(Uint8Array.of(0x70, 0x02, 0x02, 0x08, 0x03));
    expect(writes).toEqual([Uint8Array.of(0x06)]);
    expect(simulator.format).toBe(8);
  });
});
