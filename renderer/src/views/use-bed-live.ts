// One bed's live stream as a view uses it: the bed's state (snapshot, numerics, alarms, devices)
// in React, its samples straight into waveform feeds (25 batches a second never go through
// React), and whether a value's source is current. The bedside and a central tile.
import { useEffect, useReducer, useRef } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { WaveformChannel } from '../../../shared/model/schemas';

type LiveWaveforms = 'all' | 'primary';
import { primaryWaveform } from '../../../shared/model/waveforms';
import { WaveformFeeds } from '../components/waveform/waveform-feed';
import { bedLiveReducer, initialBedLiveState, type BedLiveState } from './bed-live-state';

export interface BedLive {
  state: BedLiveState;
  feeds: WaveformFeeds;
  /**
   * A value is current only while the device that measured it is connected. With the
   * workstation itself out of reach, nothing on screen is known to be current.
   */
  isCurrent: (source: string | undefined) => boolean;
}

/** The waves a view draws: every displayed one (the bedside), or the first (a central tile). */
export function drawnWaveforms(
  channels: readonly WaveformChannel[],
  waveforms: LiveWaveforms,
): WaveformChannel[] {
  if (waveforms === 'all') return [...channels];
  const primary = primaryWaveform(channels);
  return primary ? [primary] : [];
}

/**
 * `waveforms: 'primary'` asks the host for the samples of the first wave only (a central tile
 * draws one): the others never travel.
 */
export function useBedLive(
  client: WorkstationClient,
  bedId: string,
  waveforms: LiveWaveforms = 'all',
): BedLive {
  const [state, dispatch] = useReducer(bedLiveReducer, initialBedLiveState);
  const feedsRef = useRef<WaveformFeeds | null>(null);
  feedsRef.current ??= new WaveformFeeds();
  const feeds = feedsRef.current;

  useEffect(() => {
    return client.subscribe(
      'bedLive',
      { bedId, waveforms },
      (event) => {
        if (event.type === 'samples') {
          for (const block of event.blocks) feeds.get(block.deviceId, block.channel)?.push(block);
          return;
        }
        if (event.type === 'beats') {
          const leads = feeds.where((channel) => channel.startsWith('MDC_ECG_ELEC_POTL'));
          for (const beat of event.beats) {
            for (const feed of leads) feed.mark(beat.atMs, beat.beatClass);
          }
          return;
        }
        if (event.type === 'snapshot') {
          for (const c of drawnWaveforms(event.channels, waveforms)) {
            feeds.ensure(c.deviceId, c.refId, c.rateHz);
          }
        }
        dispatch(event);
      },
      (error) => dispatch({ type: 'streamProblem', message: error.message }),
    );
  }, [client, bedId, feeds, waveforms]);

  const { devices, streamProblem } = state;
  const connected = new Set(devices.filter((d) => d.state === 'connected').map((d) => d.id));
  const isCurrent = (source: string | undefined) =>
    streamProblem === null && source !== undefined && connected.has(source);
  return { state, feeds, isCurrent };
}
