// The live phonocardiogram: a strip chart of the filtered sound's envelope (min and max of each
// animation frame), scrolling right to left, drawn on a canvas outside React's render.
import { useEffect, useRef } from 'react';
import { strings } from '../../strings';
import { themeColour, useThemeName } from '../../theme';

const TRACE_COLOUR = 'var(--param-other)';
const BASELINE_COLOUR = 'var(--border)';

export function PhonocardiogramTrace({ analyser }: { analyser: AnalyserNode | null }) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const theme = useThemeName();

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    // Without a capture the last trace stays on screen, to be looked at after stopping.
    if (!canvas || !context || !analyser) return;
    const traceColour = themeColour(TRACE_COLOUR);
    const baselineColour = themeColour(BASELINE_COLOUR);
    const width = (canvas.width = Math.round(canvas.clientWidth * devicePixelRatio) || 600);
    const height = (canvas.height = Math.round(canvas.clientHeight * devicePixelRatio) || 160);
    const mid = height / 2;
    context.clearRect(0, 0, width, height);
    context.fillStyle = baselineColour;
    context.fillRect(0, mid, width, 1);

    const buffer = new Float32Array(analyser.fftSize);
    // Auto-scaled to the loudest recent peak, so a faint heart sound still shows.
    let peak = 0.01;
    let frame = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(buffer);
      let low = 0;
      let high = 0;
      for (const value of buffer) {
        if (value < low) low = value;
        if (value > high) high = value;
      }
      peak = Math.max(peak * 0.995, Math.abs(low), Math.abs(high), 0.01);
      const column = 2;
      // 'copy', so the scrolled image replaces the old one instead of piling onto it.
      context.globalCompositeOperation = 'copy';
      context.drawImage(canvas, -column, 0);
      context.globalCompositeOperation = 'source-over';
      context.clearRect(width - column, 0, column, height);
      context.fillStyle = baselineColour;
      context.fillRect(width - column, mid, column, 1);
      context.fillStyle = traceColour;
      const top = mid - (high / peak) * (mid - 2);
      const bottom = mid - (low / peak) * (mid - 2);
      context.fillRect(width - column, top, column, Math.max(1, bottom - top));
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [analyser, theme]);

  return (
    <canvas
      ref={canvasRef}
      className="stethoscope__trace"
      data-testid="stethoscope-trace"
      role="img"
      aria-label={strings.stethoscope.traceLabel}
    />
  );
}
