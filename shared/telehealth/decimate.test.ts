// The min/max envelope a remote viewer gets: a one-sample QRS spike survives wherever blocks are
// cut, the output is exactly the rate asked for and stays on the device's clock for hours, the
// rates the renderer reads are rewritten together, slow waves and other events pass as the same
// objects, a gap in time starts a new envelope, and values stay the device's integers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BedLiveEvent } from '../api/contract';
import type { SampleBlock, WaveformChannel } from '../model/schemas';
import { createWaveDecimator } from './decimate';
import { MAX_POINTS_PER_SECOND, MIN_POINTS_PER_SECOND } from './viewer';

type Samples = Extract<BedLiveEvent, { type: 'samples' }>;
type Snapshot = Extract<BedLiveEvent, { type: 'snapshot' }>;

const ECG = 'MDC_ECG_ELEC_POTL_II';
const T0 = 1_765_000_000_000;

function block(
  values: number[],
  t0: number,
  rateHz = 500,
  channel = ECG,
  deviceId = 'intellivue@/dev/ttyUSB0',
): SampleBlock {
  return { bedId: 'bed-1', deviceId, channel, rateHz, t0, values };
}

/** Cuts `values` (one wave from T0) into blocks at `cuts` and sends each as a samples event. */
function sendCut(
  decimate: (event: BedLiveEvent) => BedLiveEvent,
  values: number[],
  cuts: number[],
  rateHz = 500,
): SampleBlock[] {
  const edges = [0, ...cuts.filter((c) => c > 0 && c < values.length), values.length];
  const out: SampleBlock[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const [from, to] = [edges[i]!, edges[i + 1]!];
    if (from === to) continue;
    const event = decimate({
      type: 'samples',
      blocks: [block(values.slice(from, to), T0 + (from * 1000) / rateHz, rateHz)],
    }) as Samples;
    expect(event.type).toBe('samples');
    out.push(...event.blocks);
  }
  return out;
}

const valuesOf = (blocks: SampleBlock[]) => blocks.flatMap((b) => b.values);

/** Where the last full bucket of `length` samples ends (the rest waits for more). */
function fullBucketsEnd(length: number, rateHz: number, pps: number): number {
  const endOf = (buckets: number) => Math.round((buckets * 2 * rateHz) / pps);
  let buckets = 0;
  while (endOf(buckets + 1) <= length) buckets++;
  return endOf(buckets);
}

/**
 * Each block starts where the one before it ends, at the output rate: point k of the stream at
 * origin + k × period, to a microsecond (an epoch time in ms is a float good to ~0.25 µs).
 */
function expectOneTimeline(blocks: SampleBlock[], pps: number, originMs = T0): void {
  let points = 0;
  for (const b of blocks) {
    expect(b.rateHz).toBe(pps);
    expect(Math.abs(b.t0 - (originMs + (points * 1000) / pps))).toBeLessThan(1e-3);
    points += b.values.length;
  }
}

/** A flat baseline with a one-sample QRS spike at `at`. */
function spikeAt(length: number, at: number, baseline = 12, spike = 1450): number[] {
  const values = new Array<number>(length).fill(baseline);
  values[at] = spike;
  return values;
}

describe('a QRS spike of one sample', () => {
  it('is kept wherever the stream is cut into two blocks, at its time', () => {
    const length = 250; // half a second at 500 Hz: 25 buckets of 10 at 100 points a second
    for (const at of [0, 1, 9, 10, 11, 123, 249]) {
      for (let cut = 1; cut < length; cut++) {
        const out = sendCut(createWaveDecimator(100), spikeAt(length, at), [cut]);
        const values = valuesOf(out);
        expect(values.filter((v) => v === 1450)).toHaveLength(1);
        expect(values).toHaveLength(50);
        // Drawn within its bucket (2 points = 20 ms) of where it happened.
        const drawnAtPoint = values.indexOf(1450);
        expect(Math.abs(drawnAtPoint / 100 - at / 500)).toBeLessThanOrEqual(0.02);
        expectOneTimeline(out, 100);
      }
    }
  });

  it('is kept, and so are the lowest samples, whatever the blocks and the rates', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(125, 250, 300, 500, 1000),
        fc.integer({ min: MIN_POINTS_PER_SECOND, max: 400 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: -30_000, max: 30_000 }),
        (rateHz, pps, length, spikeSeed, cutSeeds, spike) => {
          fc.pre(rateHz > pps);
          const at = spikeSeed % length;
          const values = spikeAt(length, at, 0, spike === 0 ? 1 : spike);
          const cuts = [...new Set(cutSeeds.map((c) => c % length))].sort((a, b) => a - b);
          const out = sendCut(createWaveDecimator(pps), values, cuts, rateHz);
          // Unless it waits in the last, unfinished bucket, the spike left exactly once.
          const sent = valuesOf(out).filter((v) => v === values[at]).length;
          expect(sent).toBe(at < fullBucketsEnd(length, rateHz, pps) ? 1 : 0);
          expectOneTimeline(out, pps);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the output rate', () => {
  it('is the points per second asked for, second by second, in 40 ms blocks', () => {
    const decimate = createWaveDecimator(100);
    const out: SampleBlock[] = [];
    for (let n = 0; n < 25 * 60; n++) {
      const values = Array.from({ length: 20 }, (_, i) => ((n * 20 + i) % 400) - 200);
      const event = decimate({ type: 'samples', blocks: [block(values, T0 + n * 40)] });
      out.push(...(event as Samples).blocks);
    }
    expectOneTimeline(out, 100);
    const perSecond = new Map<number, number>();
    for (const b of out) {
      b.values.forEach((_, i) => {
        const second = Math.floor((b.t0 + i * 10 - T0 + 1e-6) / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      });
    }
    expect([...perSecond.keys()]).toHaveLength(60);
    for (const count of perSecond.values()) expect(count).toBe(100);
  });

  it('stays on the device clock for an hour when a bucket is not a whole number of samples', () => {
    // Datex S/5 ECG at 300 Hz to a phone's 36 points a second: buckets of 16⅔ samples.
    const decimate = createWaveDecimator(36);
    let points = 0;
    let last: SampleBlock | undefined;
    for (let n = 0; n < 3600 * 25; n++) {
      const t0 = T0 + (n * 12 * 1000) / 300; // 12 samples every 40 ms
      const event = decimate({
        type: 'samples',
        blocks: [block(new Array<number>(12).fill(n % 7), t0, 300)],
      }) as Samples;
      for (const b of event.blocks) {
        expect(Math.abs(b.t0 - (T0 + (points * 1000) / 36))).toBeLessThan(1e-3);
        points += b.values.length;
        last = b;
      }
    }
    expect(points).toBe(36 * 3600);
    expect(last).toBeDefined();
    expect(Math.abs(last!.t0 + (last!.values.length * 1000) / 36 - (T0 + 3_600_000))).toBeLessThan(
      1e-3,
    );
  });

  it('keeps the samples of a bucket not yet full for the next block: none are lost', () => {
    const decimate = createWaveDecimator(100);
    const first = decimate({ type: 'samples', blocks: [block([1, 2, 3, 4, 5, 6, 7], T0)] });
    expect((first as Samples).blocks).toEqual([]);
    const second = decimate({
      type: 'samples',
      blocks: [block([8, -9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], T0 + 14)],
    }) as Samples;
    // Buckets of 10: [1..-9..10] → -9 then 10 (lowest came first); [11..20] → 11, 20.
    expect(second.blocks).toHaveLength(1);
    expect(second.blocks[0]).toMatchObject({ t0: T0, rateHz: 100, values: [-9, 10, 11, 20] });
  });

  it('brings a rate outside the contract into it rather than sending nothing', () => {
    for (const [asked, used] of [
      [0, MIN_POINTS_PER_SECOND],
      [-5, MIN_POINTS_PER_SECOND],
      [1e9, MAX_POINTS_PER_SECOND],
    ] as const) {
      const event = createWaveDecimator(asked)({
        type: 'samples',
        blocks: [block(new Array<number>(2000).fill(1), T0, 2000)],
      }) as Samples;
      expect(event.blocks[0]!.rateHz).toBe(used);
      expect(event.blocks[0]!.values).toHaveLength(used);
    }
  });
});

describe('rates the renderer reads', () => {
  const channels: WaveformChannel[] = [
    { deviceId: 'iv', refId: ECG, label: 'ECG II', unit: 'mV', rateHz: 500, scale: 0.001 },
    {
      deviceId: 'iv',
      refId: 'MDC_PULS_OXIM_PLETH',
      label: 'Pleth',
      unit: '1',
      rateHz: 125,
      scale: 0.001,
    },
    { deviceId: 'iv', refId: 'MDC_RESP', label: 'Resp', unit: '1', rateHz: 62.5, scale: 0.001 },
  ];
  const snapshot = { type: 'snapshot', bed: {}, devices: [], channels } as unknown as Snapshot;

  it('are rewritten in the snapshot and in the blocks to the same number', () => {
    const decimate = createWaveDecimator(100);
    const out = decimate(snapshot) as Snapshot;
    expect(out).not.toBe(snapshot);
    expect(out.bed).toBe(snapshot.bed);
    expect(out.channels.map((c) => c.rateHz)).toEqual([100, 100, 62.5]);
    expect(out.channels[2]).toBe(channels[2]); // the slow wave's channel as it was
    expect(snapshot.channels[0]!.rateHz).toBe(500); // the relay's object is never changed
    const samples = decimate({
      type: 'samples',
      blocks: [
        block(new Array<number>(20).fill(3), T0, 500, ECG, 'iv'),
        block(new Array<number>(5).fill(4), T0, 125, 'MDC_PULS_OXIM_PLETH', 'iv'),
        block(new Array<number>(3).fill(5), T0, 62.5, 'MDC_RESP', 'iv'),
      ],
    }) as Samples;
    // Each block's rate is its channel's in the snapshot: the feed never restarts.
    for (const b of samples.blocks) {
      const channel = out.channels.find((c) => c.refId === b.channel)!;
      expect(b.rateHz).toBe(channel.rateHz);
    }
    // ECG: 2 buckets of 10; pleth: buckets of 2.5 samples (edges 3, 5); resp: as it came.
    expect(samples.blocks.map((b) => b.values.length)).toEqual([4, 4, 3]);
  });

  it('leave a snapshot of slow waves as the same object', () => {
    const slow = { ...snapshot, channels: [channels[2]!] };
    expect(createWaveDecimator(100)(slow)).toBe(slow);
  });
});

describe('what passes unchanged', () => {
  it('slow waves: the same blocks in the same event', () => {
    const decimate = createWaveDecimator(100);
    for (let n = 0; n < 10; n++) {
      const event: Samples = {
        type: 'samples',
        blocks: [
          block([1, 2, 3], T0 + n * 48, 62.5, 'MDC_RESP'),
          block([4, 5, 6, 7], T0 + n * 40, 100, 'MDC_PULS_OXIM_PLETH'),
        ],
      };
      expect(decimate(event)).toBe(event);
    }
  });

  it('numerics, alarms, devices, beats and NEWS2: the same objects', () => {
    const decimate = createWaveDecimator(40);
    decimate({ type: 'samples', blocks: [block([1, 2, 3], T0)] }); // a bucket waits meanwhile
    const events = [
      {
        type: 'numeric',
        refId: 'MDC_ECG_HEART_RATE',
        numeric: { value: 74, unit: '/min', at: T0, source: 'iv' },
      },
      { type: 'alarms', alarms: [], audio: {}, off: [], settings: {} },
      { type: 'device', device: { id: 'iv' } },
      { type: 'beats', beats: [] },
      { type: 'news2', news2: null },
    ] as unknown as BedLiveEvent[];
    for (const event of events) expect(decimate(event)).toBe(event);
  });
});

describe('a gap in time', () => {
  it('ends the envelope: no point mixes samples from before and after it', () => {
    const decimate = createWaveDecimator(100);
    const before = decimate({
      type: 'samples',
      blocks: [block(new Array<number>(17).fill(0), T0)],
    }) as Samples;
    // 2 s later (the device paused): a bucket of 10 had 7 samples waiting.
    const gapT0 = T0 + 17 * 2 + 2000;
    const after = decimate({
      type: 'samples',
      blocks: [block(new Array<number>(30).fill(1000), gapT0)],
    }) as Samples;
    expect(before.blocks).toHaveLength(1);
    expect(before.blocks[0]!.values).toEqual([0, 0]);
    // The waiting samples leave as their own block on the old timeline, then the new one starts.
    expect(after.blocks).toHaveLength(2);
    expect(after.blocks[0]).toMatchObject({ t0: T0 + 20, values: [0, 0] });
    expect(after.blocks[1]).toMatchObject({
      t0: gapT0,
      values: [1000, 1000, 1000, 1000, 1000, 1000],
    });
  });

  it('backwards as well (a device restarted): the waiting samples leave, a new timeline starts', () => {
    const decimate = createWaveDecimator(100);
    decimate({ type: 'samples', blocks: [block([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 9], T0)] });
    const back = decimate({
      type: 'samples',
      blocks: [block(new Array<number>(10).fill(1), T0 - 500)],
    }) as Samples;
    expect(back.blocks.map((b) => [b.t0, b.values])).toEqual([
      [T0 + 20, [9]],
      [T0 - 500, [1, 1]],
    ]);
  });

  it('but a sample clock jitter of a few milliseconds keeps one timeline', () => {
    const decimate = createWaveDecimator(100);
    const out: SampleBlock[] = [];
    for (let n = 0; n < 100; n++) {
      const jitterMs = [0, 3, -4, 6][n % 4]!;
      const event = decimate({
        type: 'samples',
        blocks: [block(new Array<number>(20).fill(n), T0 + n * 40 + jitterMs)],
      }) as Samples;
      out.push(...event.blocks);
    }
    expectOneTimeline(out, 100);
    expect(valuesOf(out)).toHaveLength(400);
  });
});

describe('values', () => {
  it('stay the device integers: every point is one of the samples, extremes included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 50, maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: MIN_POINTS_PER_SECOND, max: 250 }),
        (values, cutSeeds, pps) => {
          const cuts = [...new Set(cutSeeds.map((c) => c % values.length))].sort((a, b) => a - b);
          const out = valuesOf(sendCut(createWaveDecimator(pps), values, cuts, 500));
          const input = new Set(values);
          for (const v of out) {
            expect(Number.isInteger(v)).toBe(true);
            expect(input.has(v)).toBe(true);
          }
          // Every full bucket's extremes: the sent envelope reaches the input's over full buckets.
          const full = fullBucketsEnd(values.length, 500, pps);
          if (full > 0) {
            const head = values.slice(0, full);
            expect(Math.max(...out)).toBe(Math.max(...head));
            expect(Math.min(...out)).toBe(Math.min(...head));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
