// The review's ECG paper: the canvas (grid, ruler, traces), each row's label and gain, and the
// caliper markers over it. Dragging across the paper places the calipers. After every drawing
// the container carries data-drawn-at and data-window-from/-to, so a benchmark can time it.
import { useEffect, useRef, type PointerEvent } from 'react';
import { strings } from '../../strings';
import type { AmplitudeCaliper, TimeCaliper } from './calipers';
import { CaliperMarkers, type CaliperMode } from './CaliperMarkers';
import { timeToX, xToTime } from './paper';
import type { BeatMark } from '../../../../shared/api/contract-beats';
import { layoutRows, paperHeightPx, yToValue, type RowLayout } from './paper-layout';
import { drawPaper, paperColours } from './paper-plot';
import type { ReviewChannel } from './review-signal';
import type { TimeWindow } from './review-window';

const t = strings.review;

export interface ReviewPaperProps {
  widthPx: number;
  /** The paper (its grid) fills at least this height, however few channels there are. */
  minHeightPx?: number | undefined;
  window: TimeWindow;
  channels: readonly ReviewChannel[];
  speedMmPerS: number;
  gainMmPerMv: number;
  /** False while the window's signal is still being read: nothing is marked as drawn. */
  loaded: boolean;
  caliperMode: CaliperMode;
  timeCaliper: TimeCaliper | null;
  amplitudeCaliper: AmplitudeCaliper | null;
  onTimeCaliper: (caliper: TimeCaliper | null) => void;
  onAmplitudeCaliper: (caliper: AmplitudeCaliper | null) => void;
  /** The theme, so the paper is drawn again in the new colours. */
  theme?: string | undefined;
  /** Beats the classifier did not call normal, marked with their class above the first row. */
  beatMarks?: readonly BeatMark[] | undefined;
}

export function ReviewPaper(props: ReviewPaperProps) {
  const { widthPx, window, channels, speedMmPerS, gainMmPerMv, loaded } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dragRef = useRef<{ rowKey?: string } | null>(null);
  const rows = layoutRows(channels, gainMmPerMv);
  const heightPx = Math.max(paperHeightPx(channels.length), (props.minHeightPx ?? 0) - 1);

  useEffect(() => {
    const container = containerRef.current;
    const canvas = canvasRef.current;
    if (!container || !canvas || widthPx <= 0) return;
    drawPaper(canvas, {
      widthPx,
      heightPx,
      window,
      speedMmPerS,
      channels,
      rows,
      colours: paperColours(container),
      formatTick: t.tick,
    });
    if (loaded) {
      container.dataset.windowFrom = String(window.fromMs);
      container.dataset.windowTo = String(window.toMs);
      container.dataset.drawnAt = String(performance.now());
    }
    // rows follow from channels and gain; the theme changes the colours read above.
  }, [widthPx, heightPx, window, speedMmPerS, gainMmPerMv, channels, loaded, props.theme]);

  const pointAt = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const rowAt = (y: number): RowLayout | undefined =>
    rows.find((row) => y >= row.topPx && y < row.topPx + row.heightPx);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || (event.target as Element).closest('[role="slider"]')) return;
    const { x, y } = pointAt(event);
    if (props.caliperMode === 'time') {
      const atMs = xToTime(x, window.fromMs, speedMmPerS);
      props.onTimeCaliper({ aMs: atMs, bMs: atMs });
      dragRef.current = {};
    } else {
      const row = rowAt(y);
      if (!row) return;
      const value = yToValue(row, y);
      props.onAmplitudeCaliper({ rowKey: row.key, aValue: value, bValue: value });
      dragRef.current = { rowKey: row.key };
    }
    event.currentTarget.setPointerCapture(event.pointerId);
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const drag = dragRef.current;
    if (!drag) return;
    const { x, y } = pointAt(event);
    if (props.caliperMode === 'time' && props.timeCaliper) {
      props.onTimeCaliper({ ...props.timeCaliper, bMs: xToTime(x, window.fromMs, speedMmPerS) });
    } else if (props.caliperMode === 'amplitude' && props.amplitudeCaliper && drag.rowKey) {
      const row = rows.find((r) => r.key === drag.rowKey);
      if (row) props.onAmplitudeCaliper({ ...props.amplitudeCaliper, bValue: yToValue(row, y) });
    }
  };

  const onPointerUp = () => {
    dragRef.current = null;
  };

  return (
    <div
      ref={containerRef}
      className="review-paper"
      data-testid="review-paper"
      data-caliper-mode={props.caliperMode}
      style={{ height: heightPx }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <canvas
        ref={canvasRef}
        className="review-paper__canvas"
        role="img"
        aria-label={t.paperLabel}
      />
      {channels.map((channel, i) => {
        const row = rows[i]!;
        const gain = row.calibrated ? t.gainValue(gainMmPerMv) : t.uncalibrated;
        return (
          <span
            key={channel.key}
            className="review-paper__row-label"
            style={{ top: row.topPx + 2 }}
            data-testid={`review-row-${channel.channel}`}
          >
            {t.rowLabel(channel.label, gain)}
          </span>
        );
      })}
      {rows[0] &&
        (props.beatMarks ?? [])
          .filter((m) => m.atMs >= window.fromMs && m.atMs < window.toMs)
          .map((mark) => (
            <span
              key={`${mark.atMs}-${mark.beatClass}`}
              className="review-paper__beat"
              data-testid="beat-mark"
              data-class={mark.beatClass}
              title={t.beatMark(mark.beatClass)}
              style={{
                left: timeToX(mark.atMs, window.fromMs, speedMmPerS),
                top: rows[0]!.topPx + 2,
              }}
            >
              {mark.beatClass}
            </span>
          ))}
      <CaliperMarkers
        rows={rows}
        window={window}
        speedMmPerS={speedMmPerS}
        heightPx={heightPx}
        timeCaliper={props.timeCaliper}
        amplitudeCaliper={props.amplitudeCaliper}
        onTimeCaliper={props.onTimeCaliper}
        onAmplitudeCaliper={props.onAmplitudeCaliper}
      />
    </div>
  );
}
