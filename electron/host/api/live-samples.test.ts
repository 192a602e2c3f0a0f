import { describe, expect, it } from 'vitest';
import type { SampleBlock, WaveformChannel } from '../../../shared/model/schemas';
import { LIVE_BATCH_MS, LiveSampleBatch, ShownChannels } from './live-samples';

/** Timers the test moves by hand. */
function manualTimers(startMs = 1_000_010) {
  let now = startMs;
  const due: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const id = next++;
        due.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        const i = due.findIndex((d) => d.id === id);
        if (i >= 0) due.splice(i, 1);
      },
      now: () => now,
    },
    advance(ms: number) {
      now += ms;
      for (const d of [...due].sort((a, b) => a.at - b.at)) {
        if (d.at > now) continue;
        due.splice(due.indexOf(d), 1);
        d.fn();
      }
    },
    get now() {
      return now;
    },
  };
}

const block = (channel: string, t0: number, values: number[], rateHz = 125): SampleBlock => ({
  bedId: 'bed-1',
  deviceId: 'dev-1',
  channel,
  rateHz,
  t0,
  values,
});

describe('LiveSampleBatch', () => {
  it('joins consecutive blocks of a channel and sends them together on the next clock tick', () => {
    const clock = manualTimers(1_000_010);
    const sent: SampleBlock[][] = [];
    const batch = new LiveSampleBatch((blocks) => sent.push(blocks), LIVE_BATCH_MS, clock.timers);
    batch.add(block('ECG', 1000, [1, 2]));
    batch.add(block('PLETH', 1000, [7]));
    batch.add(block('ECG', 1016, [3, 4])); // 1000 + 2 × 8 ms
    clock.advance(29);
    expect(sent).toEqual([]);
    // 1_000_010 + 30 = 1_000_040, a multiple of 40 ms: every bed's batch leaves then.
    clock.advance(1);
    expect(sent).toEqual([[block('ECG', 1000, [1, 2, 3, 4]), block('PLETH', 1000, [7])]]);
  });

  it('keeps a gap as a gap: a block that does not follow starts a new one', () => {
    const clock = manualTimers(0);
    const sent: SampleBlock[][] = [];
    const batch = new LiveSampleBatch((blocks) => sent.push(blocks), LIVE_BATCH_MS, clock.timers);
    batch.add(block('ECG', 1000, [1, 2]));
    batch.add(block('ECG', 1100, [3])); // 84 ms later than the first block's end
    batch.add(block('ECG', 1108, [4], 250)); // a new rate is a new timeline
    clock.advance(LIVE_BATCH_MS);
    expect(sent[0]!.map((b) => [b.t0, b.values, b.rateHz])).toEqual([
      [1000, [1, 2], 125],
      [1100, [3], 125],
      [1108, [4], 250],
    ]);
  });

  it('never changes the blocks it was handed (every other listener of the bus shares them)', () => {
    const clock = manualTimers(0);
    const batch = new LiveSampleBatch(() => {}, LIVE_BATCH_MS, clock.timers);
    const first = block('ECG', 1000, [1, 2]);
    batch.add(first);
    batch.add(block('ECG', 1016, [3]));
    clock.advance(LIVE_BATCH_MS);
    expect(first.values).toEqual([1, 2]);
  });

  it('sends at once when asked (before a snapshot), and drops what waits when the viewer leaves', () => {
    const clock = manualTimers(0);
    const sent: SampleBlock[][] = [];
    const batch = new LiveSampleBatch((blocks) => sent.push(blocks), LIVE_BATCH_MS, clock.timers);
    batch.add(block('ECG', 1000, [1]));
    batch.flush();
    expect(sent).toHaveLength(1);
    batch.add(block('ECG', 1008, [2]));
    batch.close();
    clock.advance(10 * LIVE_BATCH_MS);
    expect(sent).toHaveLength(1);
  });
});

const channel = (deviceId: string, refId: string): WaveformChannel => ({
  deviceId,
  refId,
  label: refId,
  unit: '{count}',
  rateHz: 125,
  scale: null,
});

describe('ShownChannels', () => {
  it('a tile is sent its first wave in monitor order only; the bedside every displayed one', () => {
    const channels = [
      channel('ox', 'MDC_PULS_OXIM_PLETH'),
      channel('hp', 'MDC_IMPED_TTHOR'),
      channel('hp', 'MDC_ECG_ELEC_POTL'),
    ];
    const tile = new ShownChannels(() => channels, 'primary');
    tile.refresh();
    expect(tile.includes({ deviceId: 'hp', channel: 'MDC_ECG_ELEC_POTL' })).toBe(true);
    expect(tile.includes({ deviceId: 'ox', channel: 'MDC_PULS_OXIM_PLETH' })).toBe(false);
    const bedside = new ShownChannels(() => channels, 'all');
    bedside.refresh();
    for (const c of channels) {
      expect(bedside.includes({ deviceId: c.deviceId, channel: c.refId })).toBe(true);
    }
    // A channel the device does not display (the HealthyPi's raw red PPG) is never sent.
    expect(bedside.includes({ deviceId: 'hp', channel: 'HPI5_PPG_RED' })).toBe(false);
  });

  it('a device that comes after the viewer subscribed is found, and a hidden channel is looked up again later', () => {
    let now = 0;
    let channels: WaveformChannel[] = [];
    let lookups = 0;
    const shown = new ShownChannels(
      () => {
        lookups += 1;
        return channels;
      },
      'all',
      () => now,
    );
    shown.refresh();
    channels = [channel('late', 'MDC_ECG_ELEC_POTL')];
    expect(shown.includes({ deviceId: 'late', channel: 'MDC_ECG_ELEC_POTL' })).toBe(true);
    const before = lookups;
    for (let i = 0; i < 100; i++) shown.includes({ deviceId: 'late', channel: 'RAW' });
    expect(lookups - before).toBe(1); // not looked up again on every block
    now += 2500;
    channels = [...channels, channel('late', 'RAW')];
    expect(shown.includes({ deviceId: 'late', channel: 'RAW' })).toBe(true);
  });
});
