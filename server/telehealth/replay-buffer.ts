// The last seconds of a watched bed's waves, kept on the central server so that a remote viewer
// whose socket stalled (TCP's retransmit wait after an outage) can open a fresh one and resume
// from the last sample it holds: no gap, nothing twice (shared/telehealth/viewer.ts RESUME_PARAM).
//
// Only beds a consult's socket watches are kept, each while one is open and `lingerMs` after the
// last closes (a viewer's socket that drops comes back within seconds); per wave at most `keepMs`
// (REPLAY_KEEP_MS, 30 s) of the samples as the bed sent them (before any viewer's decimation), so
// the memory is bounded: the IntelliVue's three waves are about 20 000 numbers.
import type { BedLiveEvent } from '../../shared/api/contract';
import type { SampleBlock, WaveformChannel } from '../../shared/model/schemas';
import { REPLAY_KEEP_MS, blockEndMs, samplesFrom } from '../../shared/telehealth/viewer';

/** Follows a bed's live events (the relay, through the central api); returns how to stop. */
export type FollowBed = (
  bedId: string,
  onEvent: (event: BedLiveEvent) => void,
) => Promise<() => void>;

export interface ReplayOptions {
  keepMs?: number;
  lingerMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface BedReplay {
  /** The bed's samples from `fromMs` on (per wave, oldest first), as far back as kept. */
  since(fromMs: number): SampleBlock[];
  /** The socket that acquired it is gone. */
  release(): void;
}

interface Kept {
  users: number;
  waves: Map<string, SampleBlock[]>;
  /** The channels of the bed's last snapshot (labels, units, scales), for strips. */
  channels: WaveformChannel[];
  stop: Promise<() => void> | null;
  lingering: ReturnType<typeof setTimeout> | null;
}

export function createReplayBuffers(
  follow: FollowBed,
  {
    keepMs = REPLAY_KEEP_MS,
    lingerMs = 60_000,
    now = Date.now,
    log = console.error,
  }: ReplayOptions = {},
) {
  const beds = new Map<string, Kept>();

  const keep = (kept: Kept, event: BedLiveEvent) => {
    if (event.type === 'snapshot') kept.channels = event.channels;
    if (event.type !== 'samples') return;
    for (const block of event.blocks) {
      if (!(block.rateHz > 0) || block.values.length === 0) continue;
      const key = `${block.deviceId}\u0000${block.channel}`;
      let wave = kept.waves.get(key);
      if (!wave) kept.waves.set(key, (wave = []));
      wave.push(block);
      // Bounded by the wave's own time and by the clock (a device whose clock jumps ahead
      // must not keep the old ones forever).
      const oldestKept = Math.min(blockEndMs(block), now()) - keepMs;
      while (wave.length > 0 && blockEndMs(wave[0]!) < oldestKept) wave.shift();
    }
  };

  const samplesSince = (kept: Kept, fromMs: number): SampleBlock[] => {
    const out: SampleBlock[] = [];
    for (const wave of kept.waves.values()) {
      for (const block of wave) {
        if (blockEndMs(block) <= fromMs) continue;
        const cut = samplesFrom(block, fromMs);
        if (cut) out.push(cut);
      }
    }
    return out;
  };

  const drop = (bedId: string, kept: Kept) => {
    beds.delete(bedId);
    kept.waves.clear();
    kept.stop?.then((stop) => stop()).catch(() => undefined);
  };

  return {
    acquire(bedId: string): BedReplay {
      let kept = beds.get(bedId);
      if (!kept) {
        const made: Kept = {
          users: 0,
          waves: new Map(),
          channels: [],
          stop: null,
          lingering: null,
        };
        made.stop = follow(bedId, (event) => keep(made, event));
        made.stop.catch((error: unknown) => {
          log(`telehealth: bed ${bedId} is not kept for resuming viewers: ${String(error)}`);
          // The next socket tries again.
          if (beds.get(bedId) === made) beds.delete(bedId);
        });
        beds.set(bedId, (kept = made));
      }
      const mine = kept;
      if (mine.lingering) clearTimeout(mine.lingering);
      mine.lingering = null;
      mine.users += 1;
      let released = false;
      return {
        since: (fromMs) => samplesSince(mine, fromMs),
        release() {
          if (released) return;
          released = true;
          mine.users -= 1;
          if (mine.users > 0 || beds.get(bedId) !== mine) return;
          mine.lingering = setTimeout(() => drop(bedId, mine), lingerMs);
          mine.lingering.unref?.();
        },
      };
    },

    /**
     * What is kept of a bed's live waves from `fromMs` on, with its snapshot's channels; null when
     * no consult's socket watches it (a strip then prints the stored signal only).
     */
    recent(
      bedId: string,
      fromMs: number,
    ): { channels: WaveformChannel[]; blocks: SampleBlock[] } | null {
      const kept = beds.get(bedId);
      if (!kept) return null;
      return { channels: kept.channels, blocks: samplesSince(kept, fromMs) };
    },

    /** Beds kept now, for the tests. */
    size: () => beds.size,

    close(): void {
      for (const [bedId, kept] of beds) {
        if (kept.lingering) clearTimeout(kept.lingering);
        drop(bedId, kept);
      }
    },
  };
}
