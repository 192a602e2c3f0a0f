// The samples of one bed's live stream, as a viewer gets them: only the channels it draws, gathered
// for LIVE_BATCH_MS into one event, consecutive blocks of a channel joined into one. A HealthyPi
// sends ~100 frames a second, each read from the port becoming one block per channel: sent as they
// come, 16 such beds put ~4,000 messages a second on a central station's main thread and stalled
// its frames (issue 14). Gathered, a bed costs the viewer 25 messages a second whatever its device.
import type { SampleBlock, WaveformChannel } from '../../../shared/model/schemas';
import { primaryWaveform } from '../../../shared/model/waveforms';

/** How long samples wait to travel together: 40 ms (25 events a second per bed). */
export const LIVE_BATCH_MS = 40;
/** Channels a viewer was not sent are looked up again at most this often (a device came late). */
const RECHECK_HIDDEN_MS = 2000;

export type LiveWaveforms = 'all' | 'primary';

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

const keyOf = (deviceId: string, channel: string) => `${deviceId}\u0000${channel}`;

/** Which channels of a bed a viewer is sent: those shown (all, or the tile's one). */
export class ShownChannels {
  private shown = new Set<string>();
  private hidden = new Set<string>();
  private checkedAt = -Infinity;

  constructor(
    private readonly channelsOfBed: () => WaveformChannel[],
    private readonly waveforms: LiveWaveforms,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bed's channels changed (a snapshot was sent): look again. */
  refresh(channels: WaveformChannel[] = this.channelsOfBed()): void {
    const picked =
      this.waveforms === 'primary'
        ? [primaryWaveform(channels)].filter((c) => c !== undefined)
        : channels;
    this.shown = new Set(picked.map((c) => keyOf(c.deviceId, c.refId)));
    this.hidden.clear();
    this.checkedAt = this.now();
  }

  includes(block: Pick<SampleBlock, 'deviceId' | 'channel'>): boolean {
    const key = keyOf(block.deviceId, block.channel);
    if (this.shown.has(key)) return true;
    if (this.hidden.has(key) && this.now() - this.checkedAt < RECHECK_HIDDEN_MS) return false;
    // A channel not known when the viewer last looked: a device may have come since.
    this.refresh();
    if (this.shown.has(key)) return true;
    this.hidden.add(key);
    return false;
  }
}

/**
 * Gathers blocks and hands them on together at the next multiple of LIVE_BATCH_MS on the clock,
 * so every bed's batch leaves at the same moment and a transport can send them as one message.
 * The blocks handed in are the bus's (shared with every other listener): never changed.
 */
export class LiveSampleBatch {
  private blocks: SampleBlock[] = [];
  private timer: unknown = null;

  constructor(
    private readonly send: (blocks: SampleBlock[]) => void,
    private readonly everyMs = LIVE_BATCH_MS,
    private readonly timers: Timers = realTimers,
  ) {}

  add(block: SampleBlock): void {
    if (block.values.length === 0) return;
    const last = this.lastOf(block);
    if (last && follows(last, block)) (last.values as number[]).push(...block.values);
    else this.blocks.push({ ...block, values: [...block.values] });
    if (this.timer === null) {
      const waitMs = this.everyMs - (this.timers.now() % this.everyMs);
      this.timer = this.timers.setTimeout(() => this.flush(), waitMs);
    }
  }

  /** Sends what is waiting now (before an event that must not overtake the samples). */
  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.blocks.length === 0) return;
    const blocks = this.blocks;
    this.blocks = [];
    this.send(blocks);
  }

  /** The viewer left: what waits is dropped. */
  close(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.blocks = [];
  }

  private lastOf(block: SampleBlock): SampleBlock | undefined {
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const candidate = this.blocks[i]!;
      if (candidate.deviceId === block.deviceId && candidate.channel === block.channel) {
        return candidate;
      }
    }
    return undefined;
  }
}

/** `next` starts where `block` ends (same rate, within half a sample): one timeline, one block. */
function follows(block: SampleBlock, next: SampleBlock): boolean {
  if (block.rateHz !== next.rateHz) return false;
  const periodMs = 1000 / block.rateHz;
  const endMs = block.t0 + block.values.length * periodMs;
  return Math.abs(next.t0 - endMs) < periodMs / 2;
}
