// A page of a strip as a list of drawing operations in millimetres from the page's top-left
// corner: stroked paths, filled rectangles and text. Pure data, so the layout is tested without a
// PDF; strip-pdf.ts draws it with PDFKit.

export interface PaperSize {
  widthMm: number;
  heightMm: number;
}

export const A4_LANDSCAPE: PaperSize = { widthMm: 297, heightMm: 210 };
export const LETTER_LANDSCAPE: PaperSize = { widthMm: 279.4, heightMm: 215.9 };

/** Red, green, blue from 0 to 1. */
export type Rgb = readonly [number, number, number];

export type FontWeight = 'regular' | 'bold';

/** A point, x and y in millimetres. */
export type PointMm = readonly [number, number];

export type DrawOp =
  /** Each subpath is one unbroken line through its points; all are stroked together. */
  | { kind: 'stroke'; subpaths: PointMm[][]; color: Rgb; widthMm: number; roundJoins: boolean }
  | { kind: 'fill-rect'; xMm: number; yMm: number; widthMm: number; heightMm: number; color: Rgb }
  /** A filled closed polygon (the clip marks). */
  | { kind: 'fill-polygon'; points: PointMm[]; color: Rgb }
  /**
   * Text whose baseline starts at (x, y). Each span is laid out on its own (its own bidirectional
   * paragraph: an Arabic name never reorders the English around it), one after another.
   * `maxWidthMm`: the text is made smaller rather than run off the page.
   */
  | {
      kind: 'text';
      xMm: number;
      yMm: number;
      sizePt: number;
      spans: readonly string[];
      weight: FontWeight;
      color: Rgb;
      maxWidthMm?: number;
    };

export class StripPage {
  readonly ops: DrawOp[] = [];
  #stroke: Rgb = [0, 0, 0];
  #fill: Rgb = [0, 0, 0];
  #widthMm = 0.25;
  #roundJoins = false;
  #path: PointMm[][] = [];

  constructor(readonly size: PaperSize) {}

  strokeColor(color: Rgb): this {
    this.#stroke = color;
    return this;
  }

  fillColor(color: Rgb): this {
    this.#fill = color;
    return this;
  }

  lineWidth(widthMm: number): this {
    this.#widthMm = widthMm;
    return this;
  }

  /** Round joins and caps for the next stroke: a trace's sharp QRS peaks stay continuous. */
  roundJoins(): this {
    this.#roundJoins = true;
    return this;
  }

  moveTo(xMm: number, yMm: number): this {
    this.#path.push([[finite(xMm), finite(yMm)]]);
    return this;
  }

  lineTo(xMm: number, yMm: number): this {
    const current = this.#path.at(-1);
    if (!current) return this.moveTo(xMm, yMm);
    current.push([finite(xMm), finite(yMm)]);
    return this;
  }

  /** Strokes the path built since the last stroke, with the colour and width set now. */
  stroke(): this {
    const subpaths = this.#path.filter((points) => points.length >= 2);
    this.#path = [];
    if (subpaths.length === 0) return this;
    this.ops.push({
      kind: 'stroke',
      subpaths,
      color: this.#stroke,
      widthMm: this.#widthMm,
      roundJoins: this.#roundJoins,
    });
    this.#roundJoins = false;
    return this;
  }

  /** A straight line, stroked now. */
  line(x1Mm: number, y1Mm: number, x2Mm: number, y2Mm: number): this {
    return this.moveTo(x1Mm, y1Mm).lineTo(x2Mm, y2Mm).stroke();
  }

  /** One unbroken line through the points, stroked now. */
  polyline(points: readonly PointMm[]): this {
    return this.polylines([points]);
  }

  /** Unbroken lines, each through its points, stroked together now. */
  polylines(lines: readonly (readonly PointMm[])[]): this {
    for (const points of lines) {
      points.forEach(([x, y], i) => (i === 0 ? this.moveTo(x, y) : this.lineTo(x, y)));
    }
    return this.stroke();
  }

  fillRect(xMm: number, yMm: number, widthMm: number, heightMm: number): this {
    this.ops.push({
      kind: 'fill-rect',
      xMm: finite(xMm),
      yMm: finite(yMm),
      widthMm: finite(widthMm),
      heightMm: finite(heightMm),
      color: this.#fill,
    });
    return this;
  }

  fillPolygon(points: readonly PointMm[]): this {
    this.ops.push({
      kind: 'fill-polygon',
      points: points.map(([x, y]) => [finite(x), finite(y)] as const),
      color: this.#fill,
    });
    return this;
  }

  /** Text whose baseline starts at (x, y), in the fill colour. */
  text(
    xMm: number,
    yMm: number,
    sizePt: number,
    text: string | readonly string[],
    weight: FontWeight = 'regular',
    { maxWidthMm }: { maxWidthMm?: number } = {},
  ): this {
    this.ops.push({
      kind: 'text',
      xMm: finite(xMm),
      yMm: finite(yMm),
      sizePt,
      spans: typeof text === 'string' ? [text] : text,
      weight,
      color: this.#fill,
      ...(maxWidthMm !== undefined ? { maxWidthMm } : {}),
    });
    return this;
  }

  /** Everything the page prints as text, span by span joined (for tests and logs). */
  texts(): string[] {
    return this.ops.flatMap((op) => (op.kind === 'text' ? [op.spans.join('')] : []));
  }
}

function finite(valueMm: number): number {
  if (!Number.isFinite(valueMm)) {
    throw new Error(`A strip coordinate must be a finite number of millimetres, not ${valueMm}.`);
  }
  return valueMm;
}
