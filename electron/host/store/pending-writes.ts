// Rows waiting on the main thread to be sent to the store worker. Consecutive sample blocks of one
// channel that follow each other in time are merged into one chunk of up to maxChunkMs, so the
// database holds one row per channel per few seconds instead of one per device frame.
import type { SampleBlock } from '../../../shared/model/schemas';
import type { WaveformChunk, WriteBatch } from './protocol';
import type { AlarmEventToStore, NumericToStore } from './store-input';

export interface PendingWritesOptions {
  /** Longest chunk (by sample time) that merging may build. */
  maxChunkMs: number;
  /** Longest a chunk may wait for more blocks (by wall time) before it is sent as it is. */
  maxHoldMs: number;
}

interface OpenChunk extends WaveformChunk {
  /** `values` has room for maxChunkMs of samples; the first sampleCount are filled. */
  sampleCount: number;
  openedAtMs: number;
}

export class PendingWrites {
  readonly #options: PendingWritesOptions;
  readonly #open = new Map<string, OpenChunk>();
  #chunks: WaveformChunk[] = [];
  #numerics: NumericToStore[] = [];
  #alarmEvents: AlarmEventToStore[] = [];
  #readyCount = 0;

  constructor(options: PendingWritesOptions) {
    this.#options = options;
  }

  /** Samples in sealed chunks plus numerics and alarm events: what the next batch would carry. */
  get readyCount(): number {
    return this.#readyCount;
  }

  get isEmpty(): boolean {
    return this.#open.size === 0 && this.#readyCount === 0;
  }

  /** The block must be valid already (see store-input.ts); its values are copied, not kept. */
  addSamples(block: SampleBlock, nowMs: number): void {
    if (block.values.length === 0) return;
    const key = `${block.deviceId}\u0000${block.channel}`;
    const open = this.#open.get(key);
    if (open && this.#continues(open, block)) {
      open.values.set(block.values, open.sampleCount);
      open.sampleCount += block.values.length;
    } else {
      if (open) this.#seal(key, open);
      const capacity = Math.ceil((this.#options.maxChunkMs * block.rateHz) / 1000);
      const values = new Float64Array(Math.max(capacity, block.values.length));
      values.set(block.values);
      this.#open.set(key, {
        bedId: block.bedId,
        deviceId: block.deviceId,
        channel: block.channel,
        rateHz: block.rateHz,
        t0Ms: block.t0,
        values,
        sampleCount: block.values.length,
        openedAtMs: nowMs,
      });
    }
    const current = this.#open.get(key)!;
    if (durationMs(current.sampleCount, current.rateHz) >= this.#options.maxChunkMs) {
      this.#seal(key, current);
    }
  }

  addNumeric(row: NumericToStore): void {
    this.#numerics.push(row);
    this.#readyCount += 1;
  }

  addAlarmEvent(row: AlarmEventToStore): void {
    this.#alarmEvents.push(row);
    this.#readyCount += 1;
  }

  /** What is ready to send now (or everything, open chunks included); null when nothing is. */
  takeBatch(nowMs: number, everything: boolean): WriteBatch | null {
    for (const [key, open] of this.#open) {
      if (everything || nowMs - open.openedAtMs >= this.#options.maxHoldMs) this.#seal(key, open);
    }
    if (this.#readyCount === 0) return null;
    const batch = {
      chunks: this.#chunks,
      numerics: this.#numerics,
      alarmEvents: this.#alarmEvents,
    };
    this.#chunks = [];
    this.#numerics = [];
    this.#alarmEvents = [];
    this.#readyCount = 0;
    return batch;
  }

  // Contiguous: same bed and rate, and the block starts where the chunk's next sample is due.
  #continues(open: OpenChunk, block: SampleBlock): boolean {
    if (open.bedId !== block.bedId || open.rateHz !== block.rateHz) return false;
    const periodMs = 1000 / open.rateHz;
    const dueMs = open.t0Ms + open.sampleCount * periodMs;
    const merged = durationMs(open.sampleCount + block.values.length, open.rateHz);
    return (
      Math.abs(block.t0 - dueMs) < periodMs / 2 &&
      merged <= this.#options.maxChunkMs &&
      open.sampleCount + block.values.length <= open.values.length
    );
  }

  #seal(key: string, open: OpenChunk): void {
    this.#open.delete(key);
    // An exact-length copy, because the buffer is transferred to the worker whole.
    const values =
      open.sampleCount === open.values.length
        ? open.values
        : open.values.slice(0, open.sampleCount);
    const { bedId, deviceId, channel, rateHz, t0Ms } = open;
    this.#chunks.push({ bedId, deviceId, channel, rateHz, t0Ms, values });
    this.#readyCount += open.sampleCount;
  }
}

function durationMs(sampleCount: number, rateHz: number): number {
  return (sampleCount * 1000) / rateHz;
}

/** What a batch holds, for error messages: which channels, which times, how many rows. */
export function describeBatch(batch: WriteBatch): string {
  const parts: string[] = [];
  if (batch.chunks.length > 0) {
    const channels = [...new Set(batch.chunks.map((c) => `${c.deviceId}/${c.channel}`))];
    const shown = channels.slice(0, 4).join(', ') + (channels.length > 4 ? ', …' : '');
    const firstMs = Math.min(...batch.chunks.map((c) => c.t0Ms));
    const samples = batch.chunks.reduce((sum, c) => sum + c.values.length, 0);
    parts.push(
      `${samples} samples in ${batch.chunks.length} waveform chunks of ${shown} from ${isoTime(firstMs)}`,
    );
  }
  if (batch.numerics.length > 0) {
    const codes = [...new Set(batch.numerics.map((n) => `${n.deviceId}/${n.refId}`))];
    parts.push(`${batch.numerics.length} numerics (${codes.slice(0, 4).join(', ')})`);
  }
  if (batch.alarmEvents.length > 0) {
    const alarms = batch.alarmEvents.map((a) => `${a.event} ${a.code} bed ${a.bedId}`);
    parts.push(`${batch.alarmEvents.length} alarm events (${alarms.slice(0, 4).join(', ')})`);
  }
  return parts.join(', ');
}

// Never throws: a message about a bad row must not fail for the very time that made it bad.
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
