// A live trace drawn incrementally on one canvas (see sweep-canvas.ts), with its paper speed and
// (for a calibrated trace) its gain: the central station's tiles and the bedside's waveforms.
import { memo, useEffect, useRef } from 'react';
import { SweepCanvas, type SweepGain } from './sweep-canvas';
import type { WaveformFeed } from './waveform-feed';

export interface SweepTraceProps {
  feed: WaveformFeed;
  color: string;
  mmPerS?: number;
  /** Millimetres per physical unit and units per count; null or absent: fitted to the band. */
  gain?: SweepGain | null;
  className?: string;
}

export const SweepTrace = memo(function SweepTrace({
  feed,
  color,
  mmPerS,
  gain,
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
  }, [mmPerS, feed, color]);
  // The gain object may be new on every render; its two numbers are what matter.
  const mmPerUnit = gain?.mmPerUnit;
  const unitsPerCount = gain?.unitsPerCount;
  useEffect(() => {
    sweepRef.current?.setGain(
      mmPerUnit !== undefined && unitsPerCount !== undefined ? { mmPerUnit, unitsPerCount } : null,
    );
  }, [mmPerUnit, unitsPerCount, feed, color]);
  return <div className={className} ref={containerRef} aria-hidden="true" />;
});
