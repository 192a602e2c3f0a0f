// Whether a waveform is live: a block has arrived within the last 1.5 s (every device here sends
// its waves at least every 0.26 s). Checked on the shared 250 ms tick (hooks/use-now.ts), never
// per block, and re-renders only when the answer changes: a bedside trace and every central tile
// stop and say "No signal" within 2 s of a cable being pulled, the last 0.25 s left for the
// samples already on their way to the screen.
import { useEffect, useState } from 'react';
import { onTick } from '../../hooks/use-now';
import type { WaveformFeed } from './waveform-feed';

/** Without data for this long, a trace must not look live (plus at most one check: 1.75 s). */
export const NO_SIGNAL_AFTER_MS = 1500;
const LIVENESS_CHECK_MS = 250;

/** Pure: is a feed whose last block arrived at `lastArrivalMs` live at `nowMs`? */
export function feedIsLive(lastArrivalMs: number, nowMs: number): boolean {
  return nowMs - lastArrivalMs < NO_SIGNAL_AFTER_MS;
}

export function useFeedLiveness(feed: WaveformFeed): boolean {
  const [live, setLive] = useState(() => feedIsLive(feed.lastArrivalMs, Date.now()));
  useEffect(() => {
    const check = () => setLive(feedIsLive(feed.lastArrivalMs, Date.now()));
    check();
    return onTick(LIVENESS_CHECK_MS, check);
  }, [feed]);
  return live;
}
