// The stored signal of a bed for review, fetched in fixed blocks (review-window.ts) and kept in a
// bounded cache, so a window drawn once draws again at once and the next screen is already here.
// Blocks are joined back into one row per channel; a real gap in the store stays a gap.
import { blocksCovering, FETCH_BLOCK_MS, type TimeWindow } from './review-window';
import { millivoltsPerCount } from './paper';

/** One stored run of samples, as getWaveformWindow answers. */
export interface StoredSegment {
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  values: number[];
  label?: string | undefined;
  unit?: string | undefined;
  scale?: number | null | undefined;
}

export type FetchWindow = (window: TimeWindow) => Promise<StoredSegment[]>;

/** One channel's signal over the window: contiguous runs, in raw counts. */
export interface ReviewChannel {
  key: string;
  deviceId: string;
  channel: string;
  label: string;
  unit: string;
  rateHz: number;
  /** Millivolts per count for a calibrated voltage (ECG); null: drawn fitted, "uncalibrated". */
  mvPerCount: number | null;
  ecg: boolean;
  runs: Array<{ t0Ms: number; values: number[] }>;
}

/** Samples further apart than this many periods are a gap, as in the store. */
const CONTIGUOUS_PERIODS = 1.5;
const ECG_LEAD = /^(i|ii|iii|avr|avl|avf|v\d?|ml.*|mlii|ecg.*|lead.*)$/i;

export function isEcgChannel(channel: string, label: string): boolean {
  return /ecg/i.test(channel) || ECG_LEAD.test(label.trim()) || ECG_LEAD.test(channel.trim());
}

export function channelKey(s: Pick<StoredSegment, 'deviceId' | 'channel' | 'rateHz'>): string {
  return `${s.deviceId}/${s.channel}/${s.rateHz}`;
}

/**
 * The segments (from any number of blocks, any order) as one row per channel, ECG first, each
 * with its contiguous runs joined and cut to the window.
 */
export function assembleChannels(
  segments: readonly StoredSegment[],
  window: TimeWindow,
): ReviewChannel[] {
  const byKey = new Map<string, { channel: ReviewChannel; pieces: StoredSegment[] }>();
  for (const segment of segments) {
    const key = channelKey(segment);
    let entry = byKey.get(key);
    if (!entry) {
      const label = segment.label ?? segment.channel;
      const mvPerCount = millivoltsPerCount(segment.scale, segment.unit);
      entry = {
        channel: {
          key,
          deviceId: segment.deviceId,
          channel: segment.channel,
          label,
          unit: segment.unit ?? '',
          rateHz: segment.rateHz,
          mvPerCount,
          ecg: isEcgChannel(segment.channel, label),
          runs: [],
        },
        pieces: [],
      };
      byKey.set(key, entry);
    }
    entry.pieces.push(segment);
  }
  const channels = [...byKey.values()].map(({ channel, pieces }) => {
    const periodMs = 1000 / channel.rateHz;
    pieces.sort((a, b) => a.t0Ms - b.t0Ms);
    for (const piece of pieces) {
      const first = Math.max(0, Math.ceil((window.fromMs - piece.t0Ms) / periodMs - 1e-6));
      const end = Math.min(
        piece.values.length,
        Math.ceil((window.toMs - piece.t0Ms) / periodMs - 1e-6),
      );
      if (end <= first) continue;
      const t0Ms = piece.t0Ms + first * periodMs;
      const values = piece.values.slice(first, end);
      const last = channel.runs.at(-1);
      const lastEndMs = last ? last.t0Ms + last.values.length * periodMs : -Infinity;
      if (last && Math.abs(t0Ms - lastEndMs) < CONTIGUOUS_PERIODS * periodMs) {
        last.values.push(...values);
      } else {
        channel.runs.push({ t0Ms, values });
      }
    }
    return channel;
  });
  return channels
    .filter((c) => c.runs.length > 0)
    .sort((a, b) => Number(b.ecg) - Number(a.ecg) || a.label.localeCompare(b.label));
}

/** Blocks of stored signal by start time, least recently used dropped first. */
export class ReviewSignalCache {
  readonly #fetchWindow: FetchWindow;
  readonly #capacity: number;
  readonly #blocks = new Map<number, Promise<StoredSegment[]>>();
  readonly #loaded = new Map<number, StoredSegment[]>();

  constructor(fetchWindow: FetchWindow, capacityBlocks = 90) {
    this.#fetchWindow = fetchWindow;
    this.#capacity = capacityBlocks;
  }

  /** The block starting at startMs, fetched once however often it is asked for. */
  block(startMs: number): Promise<StoredSegment[]> {
    let block = this.#blocks.get(startMs);
    if (block) {
      this.#blocks.delete(startMs); // re-inserted below: most recently used last
    } else {
      block = this.#fetchWindow({ fromMs: startMs, toMs: startMs + FETCH_BLOCK_MS }).then(
        (segments) => {
          if (this.#blocks.has(startMs)) this.#loaded.set(startMs, segments);
          return segments;
        },
        (error: unknown) => {
          this.#blocks.delete(startMs); // a failed block is asked for again next time
          throw error;
        },
      );
    }
    this.#blocks.set(startMs, block);
    while (this.#blocks.size > this.#capacity) {
      const oldest = this.#blocks.keys().next().value as number;
      this.#blocks.delete(oldest);
      this.#loaded.delete(oldest);
    }
    return block;
  }

  /** The window's channels, fetching what is missing. */
  async window(window: TimeWindow): Promise<ReviewChannel[]> {
    const blocks = await Promise.all(blocksCovering(window).map((at) => this.block(at)));
    return assembleChannels(blocks.flat(), window);
  }

  /** The window's channels now if every block of it is already here, else undefined. */
  windowIfLoaded(window: TimeWindow): ReviewChannel[] | undefined {
    const starts = blocksCovering(window);
    if (!starts.every((at) => this.#loaded.has(at))) return undefined;
    return assembleChannels(
      starts.flatMap((at) => this.#loaded.get(at)!),
      window,
    );
  }

  /**
   * Fetches blocks ahead of need, one at a time, while `stillWanted()`: a jump elsewhere then
   * waits for at most one block fetched for nothing. Failures wait until the block is needed.
   */
  async prefetch(
    starts: readonly number[],
    stillWanted: () => boolean = () => true,
  ): Promise<void> {
    for (const at of starts) {
      if (!stillWanted()) return;
      if (this.#blocks.has(at)) continue;
      await this.block(at).catch(() => {});
    }
  }
}
