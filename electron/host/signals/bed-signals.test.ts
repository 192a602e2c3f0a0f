// The live-bed signal processing: blocks of ECG, pleth and respiration as drivers publish them
// go in; computed rates, rhythm changes and signal-quality changes come out with wall-clock times.
import { describe, expect, it } from 'vitest';
import type { SampleBlock } from '../../../shared/model/schemas';
import { BedSignals, signalKindOf, type BedSignalSink, type ComputedNumeric } from './bed-signals';
import { syntheticEcg } from './synthetic-ecg.test-support';
import { syntheticPleth } from './synthetic-pleth-resp.test-support';

function recorder() {
  const numerics: ComputedNumeric[] = [];
  const rhythms: Array<{ rhythm: string; active: boolean; at: number }> = [];
  const quality: Array<{ signal: string; state: string; at: number }> = [];
  const sink: BedSignalSink = {
    numeric: (n) => numerics.push(n),
    rhythm: (_bed, rhythm, active, at) => rhythms.push({ rhythm, active, at }),
    quality: (_bed, signal, state, at) => quality.push({ signal, state, at }),
  };
  return { sink, numerics, rhythms, quality };
}

/** Publishes samples as a driver would: 100 ms blocks on a continuous timeline from t0. */
function feed(
  signals: BedSignals,
  channel: string,
  rateHz: number,
  samples: ArrayLike<number>,
  t0: number,
  deviceId = 'dev-1',
): void {
  const per = Math.round(rateHz / 10);
  for (let i = 0; i < samples.length; i += per) {
    const values = Array.from(samples)
      .slice(i, i + per)
      .map(Math.round);
    const block: SampleBlock = {
      bedId: 'bed-1',
      deviceId,
      channel,
      rateHz,
      t0: t0 + (i * 1000) / rateHz,
      values,
    };
    signals.push(block);
  }
}

describe('BedSignals', () => {
  it('knows the signal of a channel from its MDC key', () => {
    expect(signalKindOf('MDC_ECG_ELEC_POTL_II')).toBe('ecg');
    expect(signalKindOf('MDC_PULS_OXIM_PLETH')).toBe('pleth');
    expect(signalKindOf('MDC_IMPED_TTHOR')).toBe('resp');
    expect(signalKindOf('MDC_AWAY_CO2')).toBeNull();
  });

  it('computes heart rate from ECG, about once a second, at the time of the beat', () => {
    const { sink, numerics } = recorder();
    const signals = new BedSignals(sink);
    const ecg = syntheticEcg(250, 30, { bpm: 84 });
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, ecg.samples, 1_000_000);
    const hr = numerics.filter((n) => n.refId === 'MDC_ECG_HEART_RATE');
    expect(hr.length).toBeGreaterThan(15);
    for (const n of hr.slice(5)) expect(Math.abs(n.value - 84)).toBeLessThanOrEqual(4);
    for (let i = 1; i < hr.length; i++)
      expect(hr[i]!.at - hr[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(hr[0]).toMatchObject({ bedId: 'bed-1', deviceId: 'dev-1', unit: '/min' });
    expect(hr.at(-1)!.at).toBeLessThanOrEqual(1_030_000);
  });

  it('computes pulse rate from pleth', () => {
    const { sink, numerics } = recorder();
    const signals = new BedSignals(sink);
    feed(signals, 'MDC_PULS_OXIM_PLETH', 100, syntheticPleth(100, 30, { bpm: 66 }).samples, 0);
    const pr = numerics.filter((n) => n.refId === 'MDC_PULS_OXIM_PULS_RATE');
    expect(pr.length).toBeGreaterThan(10);
    expect(Math.abs(pr.at(-1)!.value - 66)).toBeLessThanOrEqual(3);
  });

  it('a lead falling off: flat ECG is a signal-quality change, not asystole, and no rate is made up', () => {
    const { sink, numerics, rhythms, quality } = recorder();
    const signals = new BedSignals(sink);
    const ecg = syntheticEcg(250, 20, { bpm: 70 });
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, ecg.samples, 0);
    const before = numerics.length;
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, new Float64Array(250 * 10), 20_000);
    expect(quality).toContainEqual(expect.objectContaining({ signal: 'ecg', state: 'flat' }));
    const flatAt = quality.find((q) => q.state === 'flat')!.at;
    expect(flatAt).toBeGreaterThan(20_000);
    expect(flatAt).toBeLessThan(23_500);
    expect(rhythms.filter((r) => r.rhythm === 'asystole')).toEqual([]);
    expect(numerics.filter((n) => n.at > flatAt)).toEqual([]);
    expect(numerics.length).toBeGreaterThanOrEqual(before);
  });

  it('the beats stopping on a live signal is asystole', () => {
    const { sink, rhythms } = recorder();
    const signals = new BedSignals(sink);
    const ecg = syntheticEcg(250, 20, { bpm: 70 });
    // A live but beat-less baseline: a slow small wobble.
    const noise = Array.from({ length: 250 * 10 }, (_, i) => Math.round(4 * Math.sin(i / 7)));
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, ecg.samples, 0);
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, noise, 20_000);
    expect(rhythms).toContainEqual(expect.objectContaining({ rhythm: 'asystole', active: true }));
  });

  it('one ECG per bed: a second ECG channel is left alone; a break in the timeline restarts', () => {
    const { sink, numerics } = recorder();
    const signals = new BedSignals(sink);
    const ecg = syntheticEcg(250, 15, { bpm: 60 });
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, ecg.samples, 0);
    feed(
      signals,
      'MDC_ECG_ELEC_POTL',
      250,
      syntheticEcg(250, 15, { bpm: 120 }).samples,
      0,
      'dev-2',
    );
    expect(numerics.every((n) => n.deviceId === 'dev-1')).toBe(true);
    // The device reconnects an hour later: a new timeline, not a 3600 s RR interval.
    feed(signals, 'MDC_ECG_ELEC_POTL_II', 250, ecg.samples, 3_600_000);
    const later = numerics.filter((n) => n.at >= 3_600_000);
    expect(later.length).toBeGreaterThan(3);
    for (const n of later) expect(Math.abs(n.value - 60)).toBeLessThanOrEqual(5);
  });
});
