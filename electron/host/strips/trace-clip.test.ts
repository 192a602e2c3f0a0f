// Cutting a trace at the edge of the paper: what is inside is drawn exactly, the line breaks where
// it leaves and comes back, and each excursion gets one mark at its furthest point.
import { describe, expect, it } from 'vitest';
import { clipToPaper } from './trace-clip';
import type { PointMm } from './strip-drawing';

const TOP = 10;
const BOTTOM = 40;

describe('clipToPaper', () => {
  it('keeps a trace that stays on the paper as one line, unchanged', () => {
    const points: PointMm[] = [
      [0, 20],
      [1, 10],
      [2, 40],
      [3, 25],
    ];
    expect(clipToPaper(points, TOP, BOTTOM)).toEqual({ pieces: [points], cuts: [] });
  });

  it('breaks the line at the top edge and marks the highest point of the wave', () => {
    const { pieces, cuts } = clipToPaper(
      [
        [0, 20],
        [1, 0], // 10 mm above the edge
        [2, -10], // the peak
        [3, 0],
        [4, 20],
      ],
      TOP,
      BOTTOM,
    );
    expect(pieces).toEqual([
      [
        [0, 20],
        [0.5, 10],
      ],
      [
        [3.5, 10],
        [4, 20],
      ],
    ]);
    expect(cuts).toEqual([{ xMm: 2, edge: 'top' }]);
  });

  it('marks each excursion once, at either edge', () => {
    const { cuts } = clipToPaper(
      [
        [0, 20],
        [1, 50],
        [2, 45],
        [3, 20],
        [4, 5],
        [5, 25],
      ],
      TOP,
      BOTTOM,
    );
    expect(cuts).toEqual([
      { xMm: 1, edge: 'bottom' },
      { xMm: 4, edge: 'top' },
    ]);
  });

  it('draws the part of a stroke that crosses the whole paper from edge to edge', () => {
    const { pieces, cuts } = clipToPaper(
      [
        [0, 0],
        [1, 50],
      ],
      TOP,
      BOTTOM,
    );
    expect(pieces).toHaveLength(1);
    expect(pieces[0]![0]![0]).toBeCloseTo(0.2, 9);
    expect(pieces[0]![0]![1]).toBe(TOP);
    expect(pieces[0]![1]![0]).toBeCloseTo(0.8, 9);
    expect(pieces[0]![1]![1]).toBe(BOTTOM);
    expect(cuts).toEqual([
      { xMm: 0, edge: 'top' },
      { xMm: 1, edge: 'bottom' },
    ]);
  });

  it('draws nothing of a trace entirely off the paper, and says so once', () => {
    expect(
      clipToPaper(
        [
          [0, 0],
          [1, 2],
          [2, 1],
        ],
        TOP,
        BOTTOM,
      ),
    ).toEqual({ pieces: [], cuts: [{ xMm: 0, edge: 'top' }] });
  });
});
