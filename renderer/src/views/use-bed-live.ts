// One bed's live stream as a view uses it: the bed's state (snapshot, numerics, alarms, devices)
// in React, its samples straight into waveform feeds (~50 blocks a second per channel never go
// through React), and whether a value's source is current. The bedside and a central tile.
import { useEffect, useReducer, useRef } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { WaveformChannel } from '../../../shared/model/schemas';
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

/** Every channel of the bed is drawn (the bedside). */
const allChannels = (channels: WaveformChannel[]) => channels;

/**
 * `drawn` picks the channels whose samples are kept (a central tile draws one): blocks of the
 * others are dropped on arrival instead of filling feeds nothing reads. Give a stable function.
 */
export function useBedLive(
  client: WorkstationClient,
  bedId: string,
  drawn: (channels: WaveformChannel[]) => WaveformChannel[] = allChannels,
): BedLive {
  const [state, dispatch] = useReducer(bedLiveReducer, initialBedLiveState);
  const feedsRef = useRef<WaveformFeeds | null>(null);
  feedsRef.current ??= new WaveformFeeds();
  const feeds = feedsRef.current;

  useEffect(() => {
    return client.subscribe(
      'bedLive',
      { bedId },
      (event) => {
        if (event.type === 'samples') {
          feeds.get(event.block.deviceId, event.block.channel)?.push(event.block);
          return;
        }
        if (event.type === 'snapshot') {
          for (const c of drawn(event.channels)) feeds.ensure(c.deviceId, c.refId, c.rateHz);
        }
        dispatch(event);
      },
      (error) => dispatch({ type: 'streamProblem', message: error.message }),
    );
  }, [client, bedId, feeds, drawn]);

  const { devices, streamProblem } = state;
  const connected = new Set(devices.filter((d) => d.state === 'connected').map((d) => d.id));
  const isCurrent = (source: string | undefined) =>
    streamProblem === null && source !== undefined && connected.has(source);
  return { state, feeds, isCurrent };
}
