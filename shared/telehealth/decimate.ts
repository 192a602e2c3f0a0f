// Waveforms at the resolution a remote viewer's screen needs: a min/max envelope, so a link of
// 128 kbit/s carries three waves and a QRS spike one sample wide is still drawn.
//
// Per wave (device + channel), the input samples fall in buckets of 2 × rate / pointsPerSecond
// samples each (a bucket's edges are rounded from the sample count, so they need not be whole and
// never drift); each full bucket leaves as its lowest and its highest sample, in the order they
// came, as two points on a timeline of exactly `pointsPerSecond`. A bucket not yet full waits for
// the next block, so nothing is lost at block edges. Times come from counts (origin + k × period),
// never from adding rounded periods, so hours of blocks stay on the device's clock.
//
// A jump in a wave's time (the device paused, the workstation's link dropped) ends its timeline:
// the waiting bucket leaves as it is, and a new timeline starts at the new time, so no envelope
// spans a gap. An event whose samples all wait in buckets leaves with no blocks (a transport may
// skip it). The renderer's WaveformFeed takes the rate from the snapshot's channels and restarts
// on a block of another rate, so both are rewritten to the same number.
import type { BedLiveEvent } from '../api/contract';
import type { SampleBlock, WaveformChannel } from '../model/schemas';
import { DEFAULT_POINTS_PER_SECOND, MAX_POINTS_PER_SECOND, MIN_POINTS_PER_SECOND } from './viewer';

type SamplesEvent = Extract<BedLiveEvent, { type: 'samples' }>;
type SnapshotEvent = Extract<BedLiveEvent, { type: 'snapshot' }>;

/** One wave's envelope in progress: where its timeline began and the bucket being filled. */
interface Timeline {
  inputRateHz: number;
  /** Time of input sample 0 and of output point 0 of this timeline. */
  originMs: number;
  /** Input samples taken on this timeline. */
  taken: number;
  /** Points sent on this timeline (two per full bucket). */
  sent: number;
  /** The bucket being filled, and the input sample count at which it is full. */
  bucket: number;
  bucketEnd: number;
  /** Samples in the bucket so far, and its extremes with their positions in it. */
  filled: number;
  min: number;
  minAt: number;
  max: number;
  maxAt: number;
}

/**
 * A stateful decimator for one viewer's stream of one bed: every event goes through it in order.
 * Samples of waves faster than `pointsPerSecond` leave as a min/max envelope at that rate (the
 * snapshot's channels say the new rates); everything else, and slower waves, leave unchanged. An
 * event that needs no change is returned as the same object (so its JSON can be reused).
 */
export function createWaveDecimator(
  pointsPerSecond: number,
): (event: BedLiveEvent) => BedLiveEvent {
  // The socket's ?pps= is checked where it is read; a value outside the contract's range is
  // brought into it here rather than trusted (a rate of 0 would never send a point).
  const pps = Number.isFinite(pointsPerSecond)
    ? Math.min(MAX_POINTS_PER_SECOND, Math.max(MIN_POINTS_PER_SECOND, pointsPerSecond))
    : DEFAULT_POINTS_PER_SECOND;
  const outputPeriodMs = 1000 / pps;
  const timelines = new Map<string, Timeline>();

  const bucketEndOf = (timeline: Timeline, bucket: number) =>
    Math.round(((bucket + 1) * 2 * timeline.inputRateHz) / pps);

  const startTimeline = (block: SampleBlock): Timeline => {
    const timeline: Timeline = {
      inputRateHz: block.rateHz,
      originMs: block.t0,
      taken: 0,
      sent: 0,
      bucket: 0,
      bucketEnd: 0,
      filled: 0,
      min: 0,
      minAt: 0,
      max: 0,
      maxAt: 0,
    };
    timeline.bucketEnd = bucketEndOf(timeline, 0);
    return timeline;
  };

  const blockOf = (source: SampleBlock, timeline: Timeline, values: number[]): SampleBlock => ({
    bedId: source.bedId,
    deviceId: source.deviceId,
    channel: source.channel,
    rateHz: pps,
    t0: timeline.originMs + (timeline.sent - values.length) * outputPeriodMs,
    values,
  });

  /** The bucket's lowest and highest samples, in the order they came. */
  const extremes = (timeline: Timeline): number[] =>
    timeline.minAt <= timeline.maxAt ? [timeline.min, timeline.max] : [timeline.max, timeline.min];

  /** A timeline ends (gap, new rate): its waiting bucket leaves as it is. */
  const finish = (timeline: Timeline, source: SampleBlock, out: SampleBlock[]) => {
    if (timeline.filled === 0) return;
    // One sample waiting leaves as one point; more as their extremes.
    const values = timeline.filled === 1 ? [timeline.min] : extremes(timeline);
    timeline.sent += values.length;
    timeline.filled = 0;
    out.push(blockOf(source, timeline, values));
  };

  const decimateBlock = (block: SampleBlock, out: SampleBlock[]) => {
    const key = `${block.deviceId}\u0000${block.channel}`;
    let timeline = timelines.get(key);
    if (timeline) {
      const expectedT0 = timeline.originMs + (timeline.taken * 1000) / timeline.inputRateHz;
      // Jitter of the sample clock below one output point cannot show on the screen: absorbed.
      const jumped = Math.abs(block.t0 - expectedT0) > outputPeriodMs;
      if (jumped || timeline.inputRateHz !== block.rateHz) {
        finish(timeline, block, out);
        timeline = undefined;
      }
    }
    if (block.rateHz <= pps) {
      timelines.delete(key);
      out.push(block);
      return;
    }
    if (!timeline) timelines.set(key, (timeline = startTimeline(block)));
    const values: number[] = [];
    for (const value of block.values) {
      const at = timeline.filled;
      if (at === 0 || value < timeline.min) {
        timeline.min = value;
        timeline.minAt = at;
      }
      if (at === 0 || value > timeline.max) {
        timeline.max = value;
        timeline.maxAt = at;
      }
      timeline.filled += 1;
      timeline.taken += 1;
      if (timeline.taken >= timeline.bucketEnd) {
        values.push(...extremes(timeline));
        timeline.filled = 0;
        timeline.bucket += 1;
        timeline.bucketEnd = bucketEndOf(timeline, timeline.bucket);
      }
    }
    if (values.length === 0) return;
    timeline.sent += values.length;
    out.push(blockOf(block, timeline, values));
  };

  const decimateSamples = (event: SamplesEvent): SamplesEvent => {
    const blocks: SampleBlock[] = [];
    for (const block of event.blocks) decimateBlock(block, blocks);
    const unchanged =
      blocks.length === event.blocks.length && blocks.every((b, i) => b === event.blocks[i]);
    return unchanged ? event : { type: 'samples', blocks };
  };

  const rewriteSnapshot = (event: SnapshotEvent): SnapshotEvent => {
    // Waves the bed no longer has keep no bucket (a device replaced many times in a long consult).
    const present = new Set(event.channels.map((c) => `${c.deviceId}\u0000${c.refId}`));
    for (const key of timelines.keys()) if (!present.has(key)) timelines.delete(key);
    if (event.channels.every((c) => c.rateHz <= pps)) return event;
    const channels = event.channels.map((c): WaveformChannel =>
      c.rateHz > pps ? { ...c, rateHz: pps } : c,
    );
    return { ...event, channels };
  };

  return (event) => {
    if (event.type === 'samples') return decimateSamples(event);
    if (event.type === 'snapshot') return rewriteSnapshot(event);
    return event;
  };
}
