// A live sweeping waveform (bedside-monitor style) for one channel. Samples never pass through
// React: the parent pushes blocks into a WaveformFeed and this component draws from it.
import { memo, useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import { strings } from '../strings';
import { SweepPlot } from './waveform/sweep-plot';
import type { WaveformFeed } from './waveform/waveform-feed';

/** Without data for this long, the trace must not look live. */
export const NO_SIGNAL_AFTER_MS = 2000;
const LIVENESS_CHECK_MS = 250;

export interface WaveformProps {
  feed: WaveformFeed;
  /** Short channel name a nurse reads, e.g. "ECG", "Pleth", "Resp". */
  label: string;
  /** Trace and label colour (CSS colour). */
  color: string;
  /** Physical units per raw count from the channel spec; null shows an "uncalibrated" tag. */
  scale: number | null;
}

// Memoised: the parent re-renders on every numeric; the trace has nothing to re-render for.
export const Waveform = memo(function Waveform({ feed, label, color, scale }: WaveformProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const live = useFeedLiveness(feed);

  useEffect(() => {
    const container = plotRef.current;
    if (!container) return;
    const plot = new SweepPlot(container, feed, color);
    return () => plot.destroy();
  }, [feed, color]);

  return (
    <figure
      className={live ? 'waveform' : 'waveform waveform--no-signal'}
      data-testid={`waveform-${feed.channel}`}
      data-live={live}
    >
      <figcaption className="waveform__caption">
        <span className="waveform__label" style={{ color }}>
          {label}
        </span>
        {scale === null && (
          <span className="waveform__tag" title={strings.uncalibratedHint}>
            {strings.uncalibrated}
          </span>
        )}
      </figcaption>
      <div className="waveform__plot" ref={plotRef} aria-hidden="true" />
      {!live && (
        <p className="waveform__no-signal" role="status">
          {strings.noSignal}
        </p>
      )}
    </figure>
  );
});

/** True while blocks keep arriving; re-renders only when that changes, never per block. */
function useFeedLiveness(feed: WaveformFeed): boolean {
  const [live, setLive] = useState(false);
  const liveRef = useRef(false);
  useEffect(() => {
    const update = (next: boolean) => {
      if (liveRef.current === next) return;
      liveRef.current = next;
      setLive(next);
    };
    const check = () => update(Date.now() - feed.lastArrivalMs < NO_SIGNAL_AFTER_MS);
    check();
    // The first block after silence lights the trace without waiting for the next check.
    const unsubscribe = feed.subscribe(() => update(true));
    const timer = setInterval(check, LIVENESS_CHECK_MS);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [feed]);
  return live;
}
