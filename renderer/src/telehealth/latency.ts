// How far behind the bed the remote view is, in words shown at all times: the newest sample's
// time (a block's t0 + n / rateHz) against now on the server's clock (the page measures its
// offset from the session's answer). Pure: the page feeds it events, times and the link's state.
import type { BedLiveEvent } from '../../../shared/api/contract';
import type { BedOffline } from '../../../shared/model/schemas';
import { telehealthStrings as t } from './strings';

/** Behind by more than this is a warning, not "live". */
export const BEHIND_WARNING_MS = 1000;

/** The time of the newest sample (or numeric) an event carries, or null for one with none. */
export function newestDataMsOf(event: BedLiveEvent): number | null {
  if (event.type === 'samples') {
    let newest: number | null = null;
    for (const block of event.blocks) {
      if (!(block.rateHz > 0)) continue;
      const endMs = block.t0 + (block.values.length * 1000) / block.rateHz;
      if (newest === null || endMs > newest) newest = endMs;
    }
    return newest;
  }
  // A bed with no waveform still shows how fresh its numerics are.
  if (event.type === 'numeric') return event.numeric.at;
  return null;
}

/**
 * The server's clock minus this page's, from an answer carrying the server's time: the answer
 * was made somewhere between sending and receiving, taken as the middle.
 */
export function clockOffsetMs(serverNowMs: number, sentAtMs: number, receivedAtMs: number): number {
  return serverNowMs - (sentAtMs + receivedAtMs) / 2;
}

export interface LinkState {
  /** The socket is down and the bridge is reconnecting. */
  reconnecting: boolean;
  /** The bed's workstation is out of the server's reach (from the snapshot). */
  offline: BedOffline | null;
  /** The newest sample's time (server clock), null before the first. */
  newestDataMs: number | null;
  /** This page's clock now. */
  nowMs: number;
  /** clockOffsetMs of the session's answer. */
  offsetMs: number;
}

export type Liveness =
  | { kind: 'reconnecting'; text: string }
  | { kind: 'clinic-down'; text: string }
  | { kind: 'waiting'; text: string }
  | { kind: 'live'; text: string; behindMs: number }
  | { kind: 'behind'; text: string; behindMs: number };

export function liveness(link: LinkState): Liveness {
  if (link.reconnecting) return { kind: 'reconnecting', text: t.reconnecting };
  if (link.offline) return { kind: 'clinic-down', text: t.clinicDown(link.offline.sinceMs) };
  if (link.newestDataMs === null) return { kind: 'waiting', text: t.waitingForData };
  // A clock a little ahead of the server's does not make the view "ahead" of the bed.
  const behindMs = Math.max(0, link.nowMs + link.offsetMs - link.newestDataMs);
  return behindMs > BEHIND_WARNING_MS
    ? { kind: 'behind', text: t.behind(behindMs), behindMs }
    : { kind: 'live', text: t.live(behindMs), behindMs };
}
