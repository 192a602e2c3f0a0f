// The review's data, as React state: where the bed's stored signal lies (probed once), and the
// channels of the window on screen (from the block cache, the neighbouring screens fetched ahead).
import { useEffect, useMemo, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { ReviewSignalCache, type FetchWindow, type ReviewChannel } from './review-signal';
import { neighbourBlocks, type StoredExtent, type TimeWindow } from './review-window';
import { reasonOf } from '../../api/reason';

export type ExtentState =
  | { status: 'finding' }
  | { status: 'found'; extent: StoredExtent }
  | { status: 'empty' }
  | { status: 'failed'; reason: string };

export type SignalState =
  | { status: 'loading'; window: TimeWindow }
  | { status: 'ready'; window: TimeWindow; channels: ReviewChannel[] }
  | { status: 'failed'; window: TimeWindow; reason: string };

function fetcherFor(client: WorkstationClient, bedId: string): FetchWindow {
  return (window) => client.request('getWaveformWindow', { bedId, ...window });
}

/** Where the bed's stored signal begins and ends: one question to the store (its indexes). */
export function useStoredExtent(client: WorkstationClient, bedId: string, attempt: number) {
  const [state, setState] = useState<ExtentState>({ status: 'finding' });
  useEffect(() => {
    let current = true;
    setState({ status: 'finding' });
    client.request('getWaveformExtent', { bedId }).then(
      (extent) => current && setState(extent ? { status: 'found', extent } : { status: 'empty' }),
      (error: unknown) => current && setState({ status: 'failed', reason: reasonOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, bedId, attempt]);
  return state;
}

/** The channels of the window, drawn at once when cached; the screens around fetched ahead. */
export function useReviewSignal(
  client: WorkstationClient,
  bedId: string,
  window: TimeWindow | null,
  attempt: number,
): SignalState | null {
  const cache = useMemo(
    () => new ReviewSignalCache(fetcherFor(client, bedId)),
    // `attempt` too: a new attempt starts from an empty cache, so what failed is asked again.
    [client, bedId, attempt],
  );
  const [state, setState] = useState<SignalState | null>(null);
  const fromMs = window?.fromMs;
  const toMs = window?.toMs;

  useEffect(() => {
    if (fromMs === undefined || toMs === undefined) return;
    const shown = { fromMs, toMs };
    let current = true;
    const cached = cache.windowIfLoaded(shown);
    if (cached) {
      setState({ status: 'ready', window: shown, channels: cached });
      void cache.prefetch(neighbourBlocks(shown), () => current);
    } else {
      setState((before) =>
        // The last drawing stays while the next loads, so scrolling does not flash.
        before?.status === 'ready' ? before : { status: 'loading', window: shown },
      );
      cache.window(shown).then(
        (channels) => {
          if (!current) return;
          setState({ status: 'ready', window: shown, channels });
          // Only after the screen asked for: the store answers one request at a time.
          void cache.prefetch(neighbourBlocks(shown), () => current);
        },
        (error: unknown) =>
          current && setState({ status: 'failed', window: shown, reason: reasonOf(error) }),
      );
    }
    return () => {
      current = false;
    };
  }, [cache, fromMs, toMs]);
  return state;
}
