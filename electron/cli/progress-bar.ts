// A one-line progress bar for long commands on a terminal: redrawn in place, at most a few times
// a second, and nothing at all when the output is not a terminal (a pipe or a log file).

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** `[#########...........]  45 %  reading  1m 10s left` fitted to `width` characters. */
export function progressLine(
  fraction: number,
  label: string,
  width: number,
  remainingS?: number,
): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const percent = `${String(Math.floor(clamped * 100)).padStart(3)} %`;
  const left = remainingS === undefined ? '' : `  ${durationText(remainingS)} left`;
  const tail = `  ${percent}  ${label}${left}`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 3));
  const filled = Math.round(clamped * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, width - 1);
}

function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** A bar on `output` when it is a terminal; `update` and `done` do nothing otherwise. */
export function progressBar(
  output: ProgressOutput,
  now: () => number = () => Date.now(),
): { update(fraction: number, label: string): void; done(): void } {
  if (!output.isTTY) return { update: () => {}, done: () => {} };
  const startMs = now();
  let drawnAtMs = -Infinity;
  let drawn = false;
  return {
    update(fraction, label) {
      const atMs = now();
      if (atMs - drawnAtMs < 200 && fraction < 1) return;
      drawnAtMs = atMs;
      const elapsedS = (atMs - startMs) / 1000;
      const remainingS =
        fraction > 0.02 && elapsedS > 2 ? (elapsedS * (1 - fraction)) / fraction : undefined;
      // A terminal that does not say its width (0) gets 80 columns.
      const width = output.columns && output.columns >= 40 ? output.columns : 80;
      output.write(`\r${progressLine(fraction, label, width, remainingS)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) output.write('\r\x1b[K');
    },
  };
}
