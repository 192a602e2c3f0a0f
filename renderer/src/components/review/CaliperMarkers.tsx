// The caliper markers drawn over the paper: two vertical lines for time (RR, QT) or two
// horizontal lines on one row for amplitude (ST). Each marker is a focusable slider: the arrow
// keys move it by 1 mm of paper, with Shift by 5 mm, so calipers work without a mouse.
import type { KeyboardEvent, PointerEvent, ReactElement } from 'react';
import { strings } from '../../strings';
import { markerStepMs, type AmplitudeCaliper, type TimeCaliper } from './calipers';
import { mmToPx, timeToX, xToTime } from './paper';
import { valueToY, yToValue, type RowLayout } from './paper-layout';
import type { TimeWindow } from './review-window';

const t = strings.review;

export type CaliperMode = 'time' | 'amplitude';

interface CaliperMarkersProps {
  rows: readonly RowLayout[];
  window: TimeWindow;
  speedMmPerS: number;
  heightPx: number;
  timeCaliper: TimeCaliper | null;
  amplitudeCaliper: AmplitudeCaliper | null;
  onTimeCaliper: (caliper: TimeCaliper) => void;
  onAmplitudeCaliper: (caliper: AmplitudeCaliper) => void;
}

/** +1 or -1 for the keys that move a marker along its axis, 0 for any other key. */
function direction(key: string, axis: 'x' | 'y'): number {
  if (axis === 'x') return key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
  return key === 'ArrowUp' ? 1 : key === 'ArrowDown' ? -1 : 0;
}

/** Dragging one marker: the pointer's position inside the paper. */
function dragPosition(event: PointerEvent<HTMLElement>) {
  const paper = event.currentTarget.parentElement!.getBoundingClientRect();
  return { x: event.clientX - paper.left, y: event.clientY - paper.top };
}

export function CaliperMarkers(props: CaliperMarkersProps) {
  const { rows, window, speedMmPerS, timeCaliper, amplitudeCaliper } = props;
  const markers: ReactElement[] = [];

  if (timeCaliper) {
    const move = (which: 'aMs' | 'bMs', atMs: number) =>
      props.onTimeCaliper({ ...timeCaliper, [which]: atMs });
    const left = timeToX(Math.min(timeCaliper.aMs, timeCaliper.bMs), window.fromMs, speedMmPerS);
    const right = timeToX(Math.max(timeCaliper.aMs, timeCaliper.bMs), window.fromMs, speedMmPerS);
    markers.push(
      <div
        key="band"
        className="review-caliper__band"
        style={{ left, width: right - left, height: props.heightPx }}
      />,
    );
    for (const [which, label] of [
      ['aMs', t.markerA],
      ['bMs', t.markerB],
    ] as const) {
      const atMs = timeCaliper[which];
      markers.push(
        <div
          key={which}
          role="slider"
          tabIndex={0}
          aria-label={label}
          aria-orientation="horizontal"
          aria-valuemin={window.fromMs}
          aria-valuemax={window.toMs}
          aria-valuenow={Math.round(atMs)}
          aria-valuetext={t.markerTimeValue(atMs)}
          data-testid={`caliper-${which === 'aMs' ? 'a' : 'b'}`}
          className="review-caliper review-caliper--time"
          style={{ left: timeToX(atMs, window.fromMs, speedMmPerS), height: props.heightPx }}
          onKeyDown={(event: KeyboardEvent) => {
            const step = direction(event.key, 'x');
            if (!step) return;
            event.preventDefault();
            event.stopPropagation();
            move(which, atMs + step * markerStepMs(speedMmPerS, event.shiftKey));
          }}
          onPointerDown={(event) => {
            event.stopPropagation();
            event.currentTarget.setPointerCapture(event.pointerId);
          }}
          onPointerMove={(event) => {
            if (!event.currentTarget.hasPointerCapture(event.pointerId)) return;
            move(which, xToTime(dragPosition(event).x, window.fromMs, speedMmPerS));
          }}
        />,
      );
    }
  }

  const row = amplitudeCaliper && rows.find((r) => r.key === amplitudeCaliper.rowKey);
  if (amplitudeCaliper && row) {
    const move = (which: 'aValue' | 'bValue', value: number) =>
      props.onAmplitudeCaliper({ ...amplitudeCaliper, [which]: value });
    const millimetre = mmToPx(1) / row.pxPerValue; // one millimetre of paper in the row's unit
    for (const [which, label] of [
      ['aValue', t.markerA],
      ['bValue', t.markerB],
    ] as const) {
      const value = amplitudeCaliper[which];
      markers.push(
        <div
          key={which}
          role="slider"
          tabIndex={0}
          aria-label={label}
          aria-orientation="vertical"
          aria-valuenow={value}
          aria-valuetext={t.markerAmplitudeValue(value.toFixed(row.calibrated ? 2 : 0))}
          data-testid={`caliper-${which === 'aValue' ? 'a' : 'b'}`}
          className="review-caliper review-caliper--amplitude"
          style={{ top: valueToY(row, value) }}
          onKeyDown={(event: KeyboardEvent) => {
            const step = direction(event.key, 'y');
            if (!step) return;
            event.preventDefault();
            event.stopPropagation();
            move(which, value + step * millimetre * (event.shiftKey ? 5 : 1));
          }}
          onPointerDown={(event) => {
            event.stopPropagation();
            event.currentTarget.setPointerCapture(event.pointerId);
          }}
          onPointerMove={(event) => {
            if (!event.currentTarget.hasPointerCapture(event.pointerId)) return;
            move(which, yToValue(row, dragPosition(event).y));
          }}
        />,
      );
    }
  }
  return <>{markers}</>;
}
