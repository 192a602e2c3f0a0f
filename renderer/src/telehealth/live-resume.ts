// When the remote view resumes on a fresh socket, and from where. Over TCP a socket that lost
// packets during an outage waits for its retransmissions, and the wait doubles each time (10–16 s
// seen after a 3 s outage on the 300 ms link) while a new connection would get through at once.
// The server's bufferedAmount never sees that backlog (it is in the kernel); the page sees the
// age of its newest data. So: newest data older than STALE_DATA_MS and nothing at all on the
// socket for QUIET_MS → the page opens a new socket, closes the stuck one, and asks the bedLive
// stream to resume from the end of what it holds (RESUME_PARAM); HeldSamples then drops whatever
// it already has, so the trace has no gap and no sample twice. Pure: the page (viewer-connection)
// and the telehealth bench's viewer both use it, so the bench measures what the page does.
import type { BedLiveEvent } from '../../../shared/api/contract';
import { blockEndMs, samplesFrom } from '../../../shared/telehealth/viewer';

/** The newest data is this old (server clock)… */
export const STALE_DATA_MS = 3_000;
/**
 * …and the socket has brought nothing for this long: it is stuck, resume on a new one. Not
 * sooner: on the 128 kbit/s, 300 ms link a fresh socket needs about 3.5 s to bring its first
 * samples (a reconnect, two round trips to open, the snapshot and the missed samples at 16 kB/s),
 * while a socket merely waiting out a 3 s outage usually brings them 1–2 s after the link is back
 * (measured: one given up after 2.5 s of quiet delivered later than the old one would have).
 */
export const QUIET_MS = 4_500;
/** A new socket that has not opened after this (its SYN lost on a link still down) is retried. */
export const CONNECT_GIVE_UP_MS = 5_000;
/** Resumes that brought nothing (the clinic itself is silent) wait longer each time, up to this. */
export const MAX_QUIET_MS = 20_000;

export interface StallInput {
  /** This page's clock. */
  nowMs: number;
  /** The server's clock minus this page's (latency.ts clockOffsetMs). */
  offsetMs: number;
  /** The newest sample's time (server clock); null before the first. */
  newestDataMs: number | null;
  /** When the socket last brought anything (this page's clock); null: nothing yet. */
  lastMessageAtMs: number | null;
  /** When the current socket opened (this page's clock); null while none is open. */
  openedAtMs: number | null;
  /** When the socket now opening began to (this page's clock); null when none is opening. */
  connectingSinceMs?: number | null;
  /** The bed's workstation is known to be out of the server's reach: nothing would come. */
  clinicDown: boolean;
  /** Resumes in a row after which no newer data came. */
  fruitlessResumes: number;
}

/** How long the socket must have been silent before it is given up, after `fruitless` resumes. */
export function quietMsAfter(fruitless: number): number {
  return Math.min(MAX_QUIET_MS, QUIET_MS * 2 ** Math.max(0, fruitless));
}

/**
 * Whether the live socket is stuck and a fresh one should take over: open, data older than
 * STALE_DATA_MS and nothing on it for QUIET_MS (longer after fruitless resumes); or opening for
 * CONNECT_GIVE_UP_MS (as much longer).
 */
export function shouldResume(input: StallInput): boolean {
  const waitMs = quietMsAfter(input.fruitlessResumes);
  if (input.openedAtMs === null) {
    // Still connecting: TCP waits 1, 3, 7… s between its tries while the link is down.
    const since = input.connectingSinceMs ?? null;
    return since !== null && input.nowMs - since >= CONNECT_GIVE_UP_MS * (waitMs / QUIET_MS);
  }
  if (input.clinicDown || input.newestDataMs === null) return false;
  const ageMs = input.nowMs + input.offsetMs - input.newestDataMs;
  if (ageMs <= STALE_DATA_MS) return false;
  const quietSinceMs = Math.max(input.openedAtMs, input.lastMessageAtMs ?? -Infinity);
  return input.nowMs - quietSinceMs >= waitMs;
}

const waveKey = (block: { deviceId: string; channel: string }) =>
  `${block.deviceId}\u0000${block.channel}`;

/**
 * What the viewer holds of each wave (the end of its newest sample): where a resumed stream
 * starts, and the filter that keeps a resumed stream's samples from being drawn twice.
 */
export class HeldSamples {
  private readonly ends = new Map<string, number>();
  /** Waves whose next block may overlap what is held (after a resume): trimmed once. */
  private readonly overlapping = new Set<string>();

  /** Where a resumed stream should start: the earliest wave's end (null before any sample). */
  resumeFromMs(): number | null {
    if (this.ends.size === 0) return null;
    return Math.min(...this.ends.values());
  }

  /** A new stream is about to start from resumeFromMs(): its first block per wave is trimmed. */
  resuming(): void {
    for (const key of this.ends.keys()) this.overlapping.add(key);
  }

  /**
   * The event as the feeds should take it: a resumed stream's samples the viewer already holds
   * are cut (the same object when nothing is; null when nothing is left). Notes what is held.
   */
  take(event: BedLiveEvent): BedLiveEvent | null {
    if (event.type !== 'samples') return event;
    let changed = false;
    const blocks = [];
    for (const block of event.blocks) {
      const key = waveKey(block);
      const end = this.ends.get(key);
      let kept: typeof block | null = block;
      if (end !== undefined && this.overlapping.has(key)) {
        kept = samplesFrom(block, end);
        // Until this wave's samples pass what is held, they are all old (a resumed stream's
        // first ones); a wave that goes back in time for another reason is left alone.
        if (kept) this.overlapping.delete(key);
      }
      if (kept !== block) changed = true;
      if (!kept) continue;
      blocks.push(kept);
      if (kept.rateHz > 0 && kept.values.length > 0) this.ends.set(key, blockEndMs(kept));
    }
    if (!changed) return event;
    return blocks.length > 0 ? { type: 'samples', blocks } : null;
  }
}
