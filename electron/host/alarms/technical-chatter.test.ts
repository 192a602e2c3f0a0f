// Technical alarms from signal quality must not chatter: the clipped respiration of the demo's
// BIDMC recording is flagged "saturated" for about 0.75 s at each breath, which used to raise a
// sounding medium alarm every few seconds on every bed. A condition that comes and goes is one
// alarm, raised once it has lasted the onset delay and ended once the signal has been clean for
// the hold-off; a single blip raises nothing.
import { describe, expect, it } from 'vitest';
import { AlarmSystem } from './alarm-system';
import { ADULT_DEFAULTS } from './limits';
import { SIGNAL_DOUBT_CLEAN_FOR_MS, SIGNAL_LOST_CLEAN_FOR_MS, SIGNAL_ONSET_MS } from './conditions';

function system() {
  let n = 0;
  return new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
}

/** The signal is bad for `badMs` at the start of every `periodMs`, from `from` to `to`. */
function intermittent(
  alarms: AlarmSystem,
  from: number,
  to: number,
  periodMs: number,
  badMs: number,
): void {
  for (let t = from; t < to; t += periodMs) {
    alarms.observeSignalQuality('resp', 'saturated', t, 'dev');
    for (let tick = t + 200; tick < t + badMs; tick += 200) alarms.tick(tick);
    alarms.observeSignalQuality('resp', 'good', t + badMs, 'dev');
    for (let tick = t + badMs + 200; tick < t + periodMs; tick += 200) alarms.tick(tick);
  }
}

describe('technical alarms from signal quality', () => {
  it('a clipped breath every 3 s for a minute is one low-priority alarm, not twenty', () => {
    const alarms = system();
    intermittent(alarms, 0, 60_000, 3000, 750);
    const raised = alarms.drainLog().filter((e) => e.event === 'raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.alarm).toMatchObject({
      code: 'SIGNAL_RESP',
      kind: 'technical',
      priority: 'low',
      message: 'Resp signal saturated — check electrodes',
    });
    // It stays while the clipping goes on, and nothing sounds for it at medium or high.
    expect(alarms.list().map((a) => a.code)).toEqual(['SIGNAL_RESP']);
    expect(alarms.audio().sounding).toBe('low');
    // Clean since 57 750 ms: it ends once clean for the hold-off, not before.
    const lastClean = 57_000 + 750;
    alarms.tick(lastClean + SIGNAL_DOUBT_CLEAN_FOR_MS - 1);
    expect(alarms.list()).toHaveLength(1);
    alarms.tick(lastClean + SIGNAL_DOUBT_CLEAN_FOR_MS);
    expect(alarms.list()).toEqual([]);
    expect(alarms.drainLog().map((e) => e.event)).toEqual(['ended']);
  });

  it('a single blip shorter than the onset delay raises nothing', () => {
    const alarms = system();
    intermittent(alarms, 0, 3000, 3000, 750);
    alarms.tick(60_000);
    expect(alarms.drainLog().filter((e) => e.event === 'raised')).toEqual([]);
  });

  it('clipping that lasts the onset delay alarms once it has', () => {
    const alarms = system();
    alarms.observeSignalQuality('resp', 'saturated', 0, 'dev');
    alarms.tick(SIGNAL_ONSET_MS - 1);
    expect(alarms.list()).toEqual([]);
    alarms.tick(SIGNAL_ONSET_MS);
    expect(alarms.list()).toMatchObject([{ code: 'SIGNAL_RESP', priority: 'low' }]);
  });

  it('a lost signal (flat line, already 2 s long) is medium at once, and also waits to end', () => {
    const alarms = system();
    alarms.observeSignalQuality('ecg', 'flat', 0, 'dev');
    expect(alarms.list()).toMatchObject([{ code: 'SIGNAL_ECG', priority: 'medium' }]);
    // An electrode that touches for a moment does not end it, or raise it again.
    alarms.observeSignalQuality('ecg', 'good', 1000, 'dev');
    alarms.observeSignalQuality('ecg', 'flat', 2000, 'dev');
    alarms.observeSignalQuality('ecg', 'good', 2500, 'dev');
    alarms.tick(2500 + SIGNAL_LOST_CLEAN_FOR_MS);
    expect(alarms.drainLog().map((e) => e.event)).toEqual(['raised', 'ended']);
  });

  it('holds the physiological alarm only while the signal is poor, and logs that hold once', () => {
    const alarms = system();
    alarms.observeNumeric('MDC_RESP_RATE', 45, 0, 'dev');
    intermittent(alarms, 0, 30_000, 3000, 750);
    // RR 45 is over the high limit of 30, but each clean gap is shorter than RR's 10 s delay.
    expect(alarms.list().map((a) => a.code)).toEqual(['SIGNAL_RESP']);
    const held = alarms.drainLog().filter((e) => e.event === 'held');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ code: 'RR_HIGH', reason: 'RESP saturated' });
    // Clean for good: the RR alarm sounds after its own delay, long before the technical alarm
    // (a doubtful signal's) has ended: a physiological alarm is not held by the hold-off.
    alarms.tick(30_000 + 10_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['RR_HIGH', 'SIGNAL_RESP']);
  });
});

describe('a device taken off or lost', () => {
  it('takes its signal-quality alarms with it, and they hold nothing any more', () => {
    const alarms = system();
    alarms.observeSignalQuality('resp', 'saturated', 0, 'hp5');
    alarms.tick(SIGNAL_ONSET_MS);
    expect(alarms.list().map((a) => a.code)).toEqual(['SIGNAL_RESP']);
    alarms.removeDevice('hp5', 'nurse', 6000);
    expect(alarms.list()).toEqual([]);
    // Another device's RR is not held by the removed one's old saturation.
    alarms.observeNumeric('MDC_RESP_RATE', 45, 7000, 'monitor');
    alarms.tick(17_000);
    expect(alarms.list().map((a) => a.code)).toEqual(['RR_HIGH']);
  });
});
