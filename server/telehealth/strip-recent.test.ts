// A strip "now" on the central server: the stored minutes, then the watched bed's last live
// seconds after each channel's last stored sample, never a sample twice, cut to the strip's span.
import { describe, expect, it } from 'vitest';
import type { SampleBlock, WaveformChannel } from '../../shared/model/schemas';
import { recentEndMs, withRecentWaves, type StoredSegment } from './strip-recent';

const T = Date.UTC(2026, 11, 7, 9, 0, 0);
const ECG: WaveformChannel = {
  deviceId: 'mon-1',
  refId: 'MDC_ECG_ELEC_POTL_II',
  label: 'II',
  unit: 'uV',
  rateHz: 100,
  scale: 1,
};
const PLETH: WaveformChannel = {
  ...ECG,
  refId: 'MDC_PULS_OXIM_PLETH',
  label: 'Pleth',
  unit: '{count}',
  scale: null,
};

function block(channel: WaveformChannel, t0: number, count: number, first = 0): SampleBlock {
  return {
    bedId: 'ws-1/bed-1',
    deviceId: channel.deviceId,
    channel: channel.refId,
    rateHz: channel.rateHz,
    t0,
    values: Array.from({ length: count }, (_, k) => first + k),
  };
}

function stored(channel: WaveformChannel, t0Ms: number, count: number): StoredSegment {
  return {
    deviceId: channel.deviceId,
    channel: channel.refId,
    rateHz: channel.rateHz,
    t0Ms,
    values: Array.from({ length: count }, (_, k) => k),
    label: channel.label,
    unit: channel.unit,
    scale: channel.scale,
  };
}

describe('a strip from the stored signal and the last live seconds', () => {
  it('continues each channel after its last stored sample, nothing twice, within the span', () => {
    // Stored: ECG up to T + 5 s; kept live: ECG from T + 3 s to T + 12 s, pleth T + 8 s to T + 12 s.
    const recent = {
      channels: [ECG, PLETH],
      blocks: [block(ECG, T + 3_000, 900, 300), block(PLETH, T + 8_000, 400)],
    };
    const { channels, segments } = withRecentWaves([stored(ECG, T, 500)], recent, T, T + 10_000);
    const ecg = segments.filter((s) => s.channel === ECG.refId);
    expect(ecg.map((s) => [s.t0Ms - T, s.values.length])).toEqual([
      [0, 500],
      [5_000, 500],
    ]);
    // The live block's sample at T + 5 s (its 200th) is the first after the stored ones.
    expect(ecg[1]!.values[0]).toBe(500);
    const pleth = segments.filter((s) => s.channel === PLETH.refId);
    expect(pleth.map((s) => [s.t0Ms - T, s.values.length])).toEqual([[8_000, 200]]);
    expect(channels.map((c) => [c.channel, c.label, c.unit, c.scale])).toEqual([
      [ECG.refId, 'II', 'uV', 1],
      [PLETH.refId, 'Pleth', '{count}', null],
    ]);
  });

  it('is the stored signal alone when the bed is not watched, and says how far the live reaches', () => {
    const only = withRecentWaves([stored(ECG, T, 100)], null, T, T + 1_000);
    expect(only.segments).toHaveLength(1);
    expect(recentEndMs(null)).toBeNull();
    expect(recentEndMs({ channels: [], blocks: [] })).toBeNull();
    expect(
      recentEndMs({ channels: [ECG], blocks: [block(ECG, T, 250), block(ECG, T + 2_500, 50)] }),
    ).toBe(T + 3_000);
  });

  it('leaves out live samples before the span, after it, and of a channel the stored signal covers', () => {
    const recent = {
      channels: [ECG],
      blocks: [block(ECG, T - 2_000, 100), block(ECG, T + 20_000, 100)],
    };
    expect(withRecentWaves([], recent, T, T + 20_000).segments).toEqual([]);
    const covered = withRecentWaves(
      [stored(ECG, T, 2_000)],
      { channels: [ECG], blocks: [block(ECG, T + 10_000, 500)] },
      T,
      T + 20_000,
    );
    expect(covered.segments).toHaveLength(1);
  });
});
