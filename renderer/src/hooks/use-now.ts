// The wall-clock time for clocks, "time since" and staleness. Every component asking for the same
// interval shares one timer, so the 48 numerics of a full central station refresh in one render a
// second rather than 48 separate ones.
import { useSyncExternalStore } from 'react';

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
  /** Stable per interval, so React does not subscribe again on every render. */
  subscribe: (listener: () => void) => () => void;
  snapshot: () => number;
}

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    const created: Ticker = {
      now: Date.now(),
      listeners: new Set(),
      timer: null,
      subscribe: (listener) => subscribe(created, intervalMs, listener),
      snapshot: () => created.now,
    };
    tickers.set(intervalMs, (ticker = created));
  }
  return ticker;
}

function subscribe(ticker: Ticker, intervalMs: number, listener: () => void): () => void {
  ticker.listeners.add(listener);
  if (ticker.timer === null) {
    ticker.now = Date.now();
    ticker.timer = setInterval(() => {
      ticker.now = Date.now();
      for (const notify of ticker.listeners) notify();
    }, intervalMs);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (ticker.listeners.size === 0 && ticker.timer !== null) {
      clearInterval(ticker.timer);
      ticker.timer = null;
    }
  };
}

/**
 * Calls `listener` on every tick of the shared timer of `intervalMs`, outside React: for checks
 * that change state only now and then (a waveform going silent). Returns the function that stops.
 */
export function onTick(intervalMs: number, listener: () => void): () => void {
  return tickerFor(intervalMs).subscribe(listener);
}

/** The wall-clock time, refreshed every `intervalMs` (one shared timer per interval). */
export function useNow(intervalMs = 1000): number {
  const ticker = tickerFor(intervalMs);
  return useSyncExternalStore(ticker.subscribe, ticker.snapshot);
}
