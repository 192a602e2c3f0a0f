/**
 * Unit tests of the pure parts of the IEC 60601-1-8 alarm sounds: the pattern constants sit in the
 * ranges the standard's public restatement gives (fundamental, harmonics, pulse duration, rise and
 * fall, 3+2 spacing, repetition), and the visual flash helper.
 *
 * The AlarmSounder tests use a FAKE audio context that only records node creation, start/stop and
 * timer calls: they check the scheduling and stopping logic, nothing about sound. What the bursts
 * actually sound like is measured in real Chromium in test/integration/alarm-tones-chromium.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmPriority } from '../../../shared/model/schemas';
import {
  AlarmSounder,
  FLASH,
  TONE_PATTERNS,
  burstDurationMs,
  isFlashLit,
  pulseGapsMs,
  scheduleBurst,
  type Timers,
} from './alarm-tones';

const PRIORITIES: AlarmPriority[] = ['high', 'medium', 'low'];
const toDb = (ratio: number) => 20 * Math.log10(ratio);

describe('TONE_PATTERNS', () => {
  it.each(PRIORITIES)('%s: fundamental and harmonics meet IEC 60601-1-8', (priority) => {
    const p = TONE_PATTERNS[priority];
    expect(p.fundamentalHz).toBeGreaterThanOrEqual(150);
    expect(p.fundamentalHz).toBeLessThanOrEqual(1000);
    const fundamental = p.harmonics[0] ?? 0;
    const inBand = p.harmonics
      .map((amplitude, i) => ({ hz: (i + 1) * p.fundamentalHz, amplitude }))
      .slice(1)
      .filter(({ hz, amplitude }) => hz >= 300 && hz <= 4000 && amplitude > 0)
      .filter(({ amplitude }) => Math.abs(toDb(amplitude / fundamental)) <= 15);
    expect(inBand.length).toBeGreaterThanOrEqual(4);
  });

  it.each(PRIORITIES)('%s: pulse duration and rise/fall times', (priority) => {
    const p = TONE_PATTERNS[priority];
    const [min, max] = priority === 'high' ? [75, 200] : [125, 250];
    expect(p.pulseMs).toBeGreaterThanOrEqual(min);
    expect(p.pulseMs).toBeLessThanOrEqual(max);
    for (const ramp of [p.riseMs, p.fallMs]) {
      expect(ramp / p.pulseMs).toBeGreaterThanOrEqual(0.1);
      expect(ramp / p.pulseMs).toBeLessThanOrEqual(0.2);
    }
  });

  it('high is 10 pulses in the 3+2, 3+2 pattern', () => {
    const p = TONE_PATTERNS.high;
    expect(p.onsetsMs).toHaveLength(10);
    const gaps = pulseGapsMs(p);
    const x = gaps[0] ?? 0;
    expect(x).toBeGreaterThanOrEqual(50);
    expect(x).toBeLessThanOrEqual(125);
    for (const i of [0, 1, 3, 5, 6, 8]) expect(gaps[i]).toBe(x); // inside a group
    expect(gaps[2]).toBe(2 * x + p.pulseMs); // pulses 3–4
    expect(gaps[7]).toBe(2 * x + p.pulseMs); // pulses 8–9
    expect(gaps[4]).toBeGreaterThanOrEqual(350); // pulses 5–6
    expect(gaps[4]).toBeLessThanOrEqual(1300);
    expect(gaps[4]).toBeGreaterThan(gaps[2] ?? Infinity);
  });

  it('medium is 3 pulses, low is 1, with the standard spacing and repetition', () => {
    expect(TONE_PATTERNS.medium.onsetsMs).toHaveLength(3);
    for (const y of pulseGapsMs(TONE_PATTERNS.medium)) {
      expect(y).toBeGreaterThanOrEqual(125);
      expect(y).toBeLessThanOrEqual(250);
    }
    expect(TONE_PATTERNS.low.onsetsMs).toHaveLength(1);
    expect(TONE_PATTERNS.high.repeatMs).toBeGreaterThanOrEqual(2_500);
    expect(TONE_PATTERNS.high.repeatMs).toBeLessThanOrEqual(15_000);
    expect(TONE_PATTERNS.medium.repeatMs).toBeGreaterThanOrEqual(2_500);
    expect(TONE_PATTERNS.medium.repeatMs).toBeLessThanOrEqual(30_000);
    expect(TONE_PATTERNS.low.repeatMs).toBeGreaterThan(15_000);
    for (const priority of PRIORITIES) {
      const p = TONE_PATTERNS[priority];
      expect(burstDurationMs(p)).toBeLessThan(p.repeatMs);
    }
  });

  it('priorities are distinct in pitch', () => {
    const pitches = PRIORITIES.map((p) => TONE_PATTERNS[p].fundamentalHz);
    expect(new Set(pitches).size).toBe(3);
  });
});

describe('FLASH', () => {
  it('high flashes at 2 Hz, medium at 0.5 Hz, both 50 % duty; low is steady', () => {
    expect(FLASH.high).toEqual({ hz: 2, duty: 0.5 });
    expect(FLASH.medium).toEqual({ hz: 0.5, duty: 0.5 });
    expect(FLASH.low).toBeNull();
    expect([0, 100, 249, 250, 400, 500].map((t) => isFlashLit('high', t))).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    expect([0, 999, 1000, 1999, 2000].map((t) => isFlashLit('medium', t))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(isFlashLit('low', 12_345)).toBe(true);
  });
});

// ---- Fake audio context: records calls only; used for the scheduling/stop logic below. ----

interface ParamEvent {
  kind: string;
  value: number;
  time: number;
}

class FakeParam {
  value = 1;
  events: ParamEvent[] = [];
  private record(kind: string, value: number, time: number) {
    this.events.push({ kind, value, time });
    return this;
  }
  setValueAtTime(value: number, time: number) {
    return this.record('set', value, time);
  }
  linearRampToValueAtTime(value: number, time: number) {
    return this.record('ramp', value, time);
  }
  setTargetAtTime(value: number, time: number) {
    return this.record('target', value, time);
  }
  cancelScheduledValues(time: number) {
    return this.record('cancel', 0, time);
  }
}

class FakeNode {
  connected: unknown[] = [];
  connect<T>(node: T): T {
    this.connected.push(node);
    return node;
  }
  disconnect() {
    this.connected = [];
  }
}

class FakeGain extends FakeNode {
  gain = new FakeParam();
}

class FakeOscillator extends FakeNode {
  frequency = new FakeParam();
  startTime: number | null = null;
  stops: number[] = [];
  onended: (() => void) | null = null;
  setPeriodicWave() {}
  start(time: number) {
    this.startTime = time;
  }
  stop(time: number) {
    this.stops.push(time);
  }
}

class FakeContext {
  currentTime = 0;
  destination = new FakeNode();
  oscillators: FakeOscillator[] = [];
  gains: FakeGain[] = [];
  createOscillator() {
    const osc = new FakeOscillator();
    this.oscillators.push(osc);
    return osc;
  }
  createGain() {
    const gain = new FakeGain();
    this.gains.push(gain);
    return gain;
  }
  createPeriodicWave() {
    return {};
  }
  asContext(): BaseAudioContext {
    return this as unknown as BaseAudioContext;
  }
}

class ManualTimers implements Timers {
  pending = new Map<number, { callback: () => void; dueMs: number }>();
  private nextId = 1;
  constructor(private readonly clock: FakeContext) {}
  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.pending.set(id, { callback, dueMs: this.clock.currentTime * 1000 + ms });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  /** Advance the clock to `seconds`, firing due timers in order. */
  advanceTo(seconds: number) {
    for (;;) {
      const due = [...this.pending.entries()].sort((a, b) => a[1].dueMs - b[1].dueMs)[0];
      if (!due || due[1].dueMs > seconds * 1000) break;
      this.pending.delete(due[0]);
      this.clock.currentTime = due[1].dueMs / 1000;
      due[1].callback();
    }
    this.clock.currentTime = seconds;
  }
}

function setup(options: { repeatMs?: Partial<Record<AlarmPriority, number>> } = {}) {
  const ctx = new FakeContext();
  const timers = new ManualTimers(ctx);
  const sounder = new AlarmSounder(ctx.asContext(), { timers, ...options });
  const starts = () => ctx.oscillators.map((o) => o.startTime ?? NaN);
  return { ctx, timers, sounder, starts };
}

describe('scheduleBurst (fake context: node wiring only)', () => {
  it('one oscillator at the fundamental, gated by one envelope segment set per pulse', () => {
    const ctx = new FakeContext();
    const { endTime } = scheduleBurst(
      ctx.asContext(),
      ctx.destination as unknown as AudioNode,
      'medium',
      1,
      0.5,
    );
    const [osc] = ctx.oscillators;
    const [gain] = ctx.gains;
    expect(osc?.frequency.value).toBe(392);
    expect(osc?.startTime).toBe(1);
    expect(osc?.stops).toEqual([endTime]);
    expect(endTime).toBeCloseTo(1 + burstDurationMs(TONE_PATTERNS.medium) / 1000);
    expect(gain?.gain.value).toBe(0);
    expect(gain?.gain.events.filter((e) => e.kind === 'ramp' && e.value === 0.5)).toHaveLength(3);
    expect(gain?.connected).toEqual([ctx.destination]);
  });
});

describe('AlarmSounder (fake context and timers: scheduling and stop logic only)', () => {
  it('starts a burst at once and repeats it at the pattern interval', () => {
    const { timers, sounder, starts } = setup();
    sounder.setSounding('high');
    expect(sounder.priority).toBe('high');
    expect(starts()).toHaveLength(1);
    const first = starts()[0] ?? NaN;
    timers.advanceTo(first + 9.5);
    expect(starts()).toHaveLength(1);
    timers.advanceTo(first + 10);
    expect(starts()).toHaveLength(2);
    expect((starts()[1] ?? NaN) - first).toBeCloseTo(10, 6);
    timers.advanceTo(first + 30);
    expect(starts()).toHaveLength(4);
    expect((starts()[3] ?? NaN) - first).toBeCloseTo(30, 6);
  });

  it('honours a configured repetition interval and schedules ahead of time', () => {
    const { timers, sounder, starts } = setup({ repeatMs: { medium: 5_000 } });
    sounder.setSounding('medium');
    const first = starts()[0] ?? NaN;
    timers.advanceTo(first + 4.85);
    expect(starts()).toHaveLength(2); // handed over ~200 ms before it is due
    expect((starts()[1] ?? NaN) - first).toBeCloseTo(5, 6);
  });

  it('switching priority cancels the old burst and starts the new one immediately', () => {
    const { ctx, timers, sounder } = setup();
    sounder.setSounding('low');
    timers.advanceTo(0.1);
    sounder.setSounding('high');
    const [lowOsc, highOsc] = ctx.oscillators;
    expect(lowOsc?.stops).toHaveLength(2); // scheduled end, then the early cancel
    expect(lowOsc?.stops[1]).toBeCloseTo(0.11, 6);
    expect(highOsc?.frequency.value).toBe(TONE_PATTERNS.high.fundamentalHz);
    expect(highOsc?.startTime).toBeCloseTo(0.13, 6);
    expect(timers.pending.size).toBe(1);
  });

  it('setting the same priority again does not restart it', () => {
    const { ctx, sounder } = setup();
    sounder.setSounding('medium');
    sounder.setSounding('medium');
    expect(ctx.oscillators).toHaveLength(1);
  });

  it('null stops cleanly: scheduled bursts faded out, no timer left', () => {
    const { ctx, timers, sounder } = setup();
    sounder.setSounding('high');
    timers.advanceTo(1);
    sounder.setSounding(null);
    expect(sounder.priority).toBeNull();
    expect(timers.pending.size).toBe(0);
    const osc = ctx.oscillators[0];
    expect(osc?.stops.at(-1)).toBeCloseTo(1.01, 6);
    const envelope = ctx.gains[1]?.gain.events ?? [];
    expect(envelope.at(-1)).toMatchObject({ kind: 'ramp', value: 0 });
    timers.advanceTo(60);
    expect(ctx.oscillators).toHaveLength(1);
  });

  it('setVolume clamps to 0..1 and drives the master gain; dispose stops and disconnects', () => {
    const { ctx, sounder } = setup();
    const master = ctx.gains[0];
    sounder.setVolume(1.7);
    expect(sounder.volume).toBe(1);
    sounder.setVolume(0.25);
    expect(sounder.volume).toBe(0.25);
    expect(master?.gain.events.at(-1)).toMatchObject({ kind: 'target', value: 0.25 });
    sounder.setSounding('low');
    sounder.dispose();
    expect(master?.connected).toEqual([]);
    sounder.setSounding('high');
    expect(sounder.priority).toBeNull();
    expect(ctx.oscillators).toHaveLength(1);
  });
});
