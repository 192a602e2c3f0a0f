// A trace drawn at its true height may leave its band: it is drawn on across the row's paper (as
// a 12-lead print overlaps the leads next to it), and cut only at the edge of the paper, where a
// mark shows that the wave is taller than drawn. Pure: points in, pieces and marks out.
import type { PointMm } from './strip-drawing';

export interface TraceCut {
  /** Where the wave went furthest beyond the edge. */
  xMm: number;
  edge: 'top' | 'bottom';
}

export interface ClippedTrace {
  /** Unbroken lines inside the paper (a cut wave leaves a gap where it is off the paper). */
  pieces: PointMm[][];
  cuts: TraceCut[];
}

/** The trace inside topMm..bottomMm (y grows downwards): the parts to draw and each cut. */
export function clipToPaper(
  points: readonly PointMm[],
  topMm: number,
  bottomMm: number,
): ClippedTrace {
  const pieces: PointMm[][] = [];
  const cuts: TraceCut[] = [];
  const edgeOf = ([, y]: PointMm) => (y < topMm ? 'top' : y > bottomMm ? 'bottom' : null);

  let piece: PointMm[] | null = null;
  let excursion: { edge: 'top' | 'bottom'; xMm: number; depthMm: number } | null = null;
  const endExcursion = () => {
    if (excursion) cuts.push({ xMm: excursion.xMm, edge: excursion.edge });
    excursion = null;
  };

  points.forEach((point, i) => {
    const edge = edgeOf(point);
    // The excursion beyond an edge: its deepest point is where the mark goes.
    if (edge) {
      const depthMm = edge === 'top' ? topMm - point[1] : point[1] - bottomMm;
      if (excursion && excursion.edge !== edge) endExcursion();
      if (!excursion || depthMm > excursion.depthMm) {
        excursion = { edge, xMm: point[0], depthMm };
      }
    } else {
      endExcursion();
    }
    if (i === 0) return;
    const visible = visiblePart(points[i - 1]!, point, topMm, bottomMm);
    if (!visible) {
      piece = null;
      return;
    }
    const [start, end] = visible;
    if (!piece) {
      piece = [start];
      pieces.push(piece);
    }
    piece.push(end);
    // The line leaves the paper here: the next visible part starts a new piece.
    if (end !== point) piece = null;
  });
  endExcursion();
  return { pieces, cuts };
}

/** The part of the segment a→b between the two edges, or null when none of it is. */
function visiblePart(
  a: PointMm,
  b: PointMm,
  topMm: number,
  bottomMm: number,
): [PointMm, PointMm] | null {
  let t0 = 0;
  let t1 = 1;
  const dy = b[1] - a[1];
  for (const [limit, below] of [
    [topMm, true],
    [bottomMm, false],
  ] as const) {
    // Keep y >= top (below the top edge) and y <= bottom.
    const inside = (y: number) => (below ? y >= limit : y <= limit);
    if (dy === 0) {
      if (!inside(a[1])) return null;
      continue;
    }
    const t = (limit - a[1]) / dy;
    if (inside(a[1])) t1 = Math.min(t1, inside(b[1]) ? 1 : t);
    else t0 = Math.max(t0, inside(b[1]) ? t : 2);
  }
  if (t0 > t1) return null;
  const at = (t: number): PointMm =>
    t === 0 ? a : t === 1 ? b : [a[0] + t * (b[0] - a[0]), a[1] + t * dy];
  return [at(t0), at(t1)];
}
