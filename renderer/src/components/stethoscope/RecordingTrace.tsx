// A saved recording's phonocardiogram, whole, with a cursor at the playback position of its
// <audio> element: it follows playback frame by frame, and a click or an arrow key seeks.
import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { strings } from '../../strings';
import { themeColour, useThemeName } from '../../theme';

const TRACE_COLOUR = 'var(--param-other)';
const CURSOR_COLOUR = 'var(--text)';
const BASELINE_COLOUR = 'var(--border)';
const COLUMNS = 1200;
const KEY_STEP_S = 1;

export function RecordingTrace(props: {
  samples: Int16Array;
  rateHz: number;
  audio: HTMLAudioElement | null;
  /** What is playing, for the trace's accessible name. */
  title: string;
}) {
  const { samples, rateHz, audio, title } = props;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const theme = useThemeName();
  const durationS = samples.length / rateHz;
  const columns = useMemo(() => envelopeColumns(samples, COLUMNS), [samples]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const width = (canvas.width = Math.round(canvas.clientWidth * devicePixelRatio) || COLUMNS);
    const height = (canvas.height = Math.round(canvas.clientHeight * devicePixelRatio) || 120);
    const trace = document.createElement('canvas');
    trace.width = width;
    trace.height = height;
    drawEnvelope(trace.getContext('2d')!, columns, width, height);
    const cursorColour = themeColour(CURSOR_COLOUR);

    let frame = 0;
    let shownS = -1;
    const draw = () => {
      const atS = audio ? Math.min(audio.currentTime, durationS) : 0;
      if (atS !== shownS) {
        shownS = atS;
        context.clearRect(0, 0, width, height);
        context.drawImage(trace, 0, 0);
        context.fillStyle = cursorColour;
        const x = Math.round((atS / durationS) * (width - 2));
        context.fillRect(x, 0, Math.max(2, Math.round(devicePixelRatio * 2)), height);
        canvas.dataset.cursorS = atS.toFixed(3);
        canvas.setAttribute('aria-valuenow', atS.toFixed(1));
        canvas.setAttribute('aria-valuetext', `${atS.toFixed(1)} s / ${durationS.toFixed(1)} s`);
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [audio, columns, durationS, theme]);

  const seek = (seconds: number) => {
    if (audio) audio.currentTime = Math.max(0, Math.min(durationS, seconds));
  };
  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    seek(((event.clientX - box.left) / box.width) * durationS);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const now = audio?.currentTime ?? 0;
    const to: Record<string, number> = {
      ArrowLeft: now - KEY_STEP_S,
      ArrowRight: now + KEY_STEP_S,
      Home: 0,
      End: durationS,
    };
    if (!(event.key in to)) return;
    event.preventDefault();
    seek(to[event.key]!);
  };

  return (
    <canvas
      ref={canvasRef}
      className="stethoscope__recording-trace"
      data-testid="sound-recording-trace"
      data-duration-s={durationS.toFixed(3)}
      role="slider"
      tabIndex={0}
      aria-label={strings.stethoscope.playbackTraceLabel(title)}
      aria-valuemin={0}
      aria-valuemax={Number(durationS.toFixed(1))}
      aria-valuenow={0}
      onClick={onClick}
      onKeyDown={onKeyDown}
    />
  );
}

/** The lowest and highest sample of each of `count` equal stretches of the recording. */
function envelopeColumns(samples: Int16Array, count: number): { low: number; high: number }[] {
  const columns: { low: number; high: number }[] = [];
  const per = samples.length / count;
  for (let c = 0; c < count; c++) {
    let low = 0;
    let high = 0;
    const to = Math.min(samples.length, Math.round((c + 1) * per));
    for (let i = Math.round(c * per); i < to; i++) {
      const value = samples[i]!;
      if (value < low) low = value;
      if (value > high) high = value;
    }
    columns.push({ low, high });
  }
  return columns;
}

function drawEnvelope(
  context: CanvasRenderingContext2D,
  columns: { low: number; high: number }[],
  width: number,
  height: number,
) {
  const mid = height / 2;
  // Scaled to the loudest sound, so a faint recording still shows its beats.
  const peak = Math.max(1, ...columns.map((column) => Math.max(-column.low, column.high)));
  context.fillStyle = themeColour(BASELINE_COLOUR);
  context.fillRect(0, Math.floor(mid), width, 1);
  context.fillStyle = themeColour(TRACE_COLOUR);
  const step = width / columns.length;
  columns.forEach(({ low, high }, index) => {
    const top = mid - (high / peak) * (mid - 2);
    const bottom = mid - (low / peak) * (mid - 2);
    context.fillRect(index * step, top, Math.max(1, step), Math.max(1, bottom - top));
  });
}
