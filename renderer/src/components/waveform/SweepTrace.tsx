// A live trace drawn incrementally on one canvas (see sweep-canvas.ts): the central station's
// tiles and anywhere else many traces must stay fluid at once.
import { memo, useEffect, useRef } from 'react';
import { SweepCanvas } from './sweep-canvas';
import type { WaveformFeed } from './waveform-feed';

export interface SweepTraceProps {
  feed: WaveformFeed;
  color: string;
  mmPerS?: number;
  className?: string;
}

export const SweepTrace = memo(function SweepTrace({
  feed,
  color,
  mmPerS,
  className,
}: SweepTraceProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const sweepRef = useRef<SweepCanvas | null>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const sweep = new SweepCanvas(container, feed, { color });
    sweepRef.current = sweep;
    return () => {
      sweep.destroy();
      sweepRef.current = null;
    };
  }, [feed, color]);
  useEffect(() => {
    if (mmPerS !== undefined) sweepRef.current?.setSpeed(mmPerS);
  }, [mmPerS]);
  return <div className={className} ref={containerRef} aria-hidden="true" />;
});
