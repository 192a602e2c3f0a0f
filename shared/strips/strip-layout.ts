// Lays out an ECG strip as pages, the way a recorder prints it: a header (bed, patient, the time
// span, kind, paper speed and gain, a legend), rows of 10 s on 1 mm / 5 mm grid paper at 25 mm/s
// and 10 mm/mV, ECG with its 1 mV calibration pulse, pleth and respiration bands, the numerics at
// the event. Pure: inputs in, pages of drawing operations out. Gaps in the signal stay gaps.
import { A4_LANDSCAPE, StripPage, type PaperSize, type PointMm, type Rgb } from './strip-drawing';
import { stripTimeRange, stripTimestamp, localTime } from './strip-time';
import { clipToPaper } from './trace-clip';

export const PAPER_SPEED_MM_PER_S = 25;
export const ECG_GAIN_MM_PER_MV = 10;
/** Seconds of signal per printed row: 250 mm at 25 mm/s fits A4 and Letter landscape. */
export const ROW_SECONDS = 10;

export type TraceKind = 'ecg' | 'pleth' | 'resp';

/** One unbroken run of samples: sample k was taken at t0Ms + k * 1000 / rateHz. */
export interface TraceSegment {
  t0Ms: number;
  values: ArrayLike<number>;
}

export interface StripTrace {
  kind: TraceKind;
  label: string;
  /** Unit of value × scale (`mV`, `uV`…). */
  unit: string;
  /** Physical units per raw count; null when the device's scale is not public. */
  scale: number | null;
  rateHz: number;
  segments: readonly TraceSegment[];
}

export interface StripNumeric {
  label: string;
  value: number;
  unit: string;
}

export interface StripHeader {
  bedLabel: string;
  patient?: { name: string; mrn?: string | null } | null;
  kind: 'alarm' | 'manual';
  alarmMessage?: string | null;
  /** The alarm's time, marked on the traces. */
  eventMs?: number | null;
  fromMs: number;
  toMs: number;
  createdAtMs: number;
  actor: string;
  /** IANA zone for "local time"; the workstation's own when absent. */
  timeZone?: string;
}

export interface StripInput {
  header: StripHeader;
  traces: readonly StripTrace[];
  numerics: readonly StripNumeric[];
  paper?: PaperSize;
}

const MARGIN_MM = 12;
/** Room left of the traces for the calibration pulse. */
const CALIBRATION_MM = 10;
const HEADER_BOTTOM_MM = 46;
const ROW_GAP_MM = 7;
/** Paper above a row's first band, where its R waves rise (0.5 mV at 10 mm/mV). */
const ROW_HEADROOM_MM = 5;
const BAND_MM: Record<TraceKind, number> = { ecg: 30, pleth: 15, resp: 15 };
/** A fitted (uncalibrated) trace fills this part of its band. */
const FIT_FRACTION = 0.8;

// Paper colours: this is paper, not the screen, so it keeps the recorder's pink and red.
const PAPER: Rgb = [1, 0.965, 0.965];
const MINOR_LINE: Rgb = [0.96, 0.72, 0.72];
const MAJOR_LINE: Rgb = [0.88, 0.36, 0.36];
const INK: Rgb = [0, 0, 0];
const EVENT_INK: Rgb = [0.1, 0.2, 0.75];
/** A wave cut at the edge of the paper. */
const CUT_INK: Rgb = [0.75, 0.05, 0.05];

export function stripTitle(header: Pick<StripHeader, 'kind' | 'alarmMessage'>): string {
  return header.kind === 'alarm'
    ? `Alarm strip: ${header.alarmMessage ?? 'alarm'}`
    : 'Manual strip';
}

/** The strip as pages: every 10 s row with all its traces, as many pages as they need. */
export function layoutStrip({
  header,
  traces,
  numerics,
  paper = A4_LANDSCAPE,
}: StripInput): StripPage[] {
  const rowCount = Math.max(1, Math.ceil((header.toMs - header.fromMs) / (ROW_SECONDS * 1000)));
  const bands = traces.length > 0 ? traces.map((t) => BAND_MM[t.kind]) : [BAND_MM.ecg];
  const rowHeight = ROW_HEADROOM_MM + bands.reduce((a, b) => a + b, 0);
  const scales = traces.map((trace) => traceScale(trace));
  const anyCalibrated = scales.some((scale) => scale.calibrated);
  const pages: StripPage[] = [];
  let page: StripPage | null = null;
  let y = 0;
  for (let row = 0; row < rowCount; row++) {
    if (!page || y + rowHeight + 6 > paper.heightMm - MARGIN_MM) {
      page = new StripPage(paper);
      pages.push(page);
      drawHeader(page, header, numerics, anyCalibrated, paper);
      y = HEADER_BOTTOM_MM;
    }
    const rowFromMs = header.fromMs + row * ROW_SECONDS * 1000;
    const rowToMs = Math.min(header.toMs, rowFromMs + ROW_SECONDS * 1000);
    drawGrid(page, y, rowHeight, paper);
    const rowPaper = { topMm: y, bottomMm: y + rowHeight };
    let bandTop = y + ROW_HEADROOM_MM;
    traces.forEach((trace, i) => {
      const band = { topMm: bandTop, heightMm: bands[i]! };
      drawTrace(page!, trace, scales[i]!, band, rowPaper, rowFromMs, rowToMs);
      bandTop += bands[i]!;
    });
    if (traces.length === 0) {
      page
        .fillColor(INK)
        .text(traceX(0) + 2, y + rowHeight / 2, 9, 'No stored waveform in this time.');
    }
    if (
      header.eventMs != null &&
      header.eventMs >= rowFromMs &&
      (header.eventMs < rowToMs || rowToMs === header.toMs)
    ) {
      drawEvent(page, traceX((header.eventMs - rowFromMs) / 1000), y, rowHeight);
    }
    drawTimeScale(page, rowFromMs, rowToMs, y + rowHeight, header.timeZone);
    y += rowHeight + ROW_GAP_MM;
  }
  pages.forEach((p, i) => drawFooter(p, header, i + 1, pages.length, paper));
  return pages;
}

function traceX(seconds: number): number {
  return MARGIN_MM + CALIBRATION_MM + seconds * PAPER_SPEED_MM_PER_S;
}

function drawHeader(
  page: StripPage,
  header: StripHeader,
  numerics: readonly StripNumeric[],
  anyCalibrated: boolean,
  paper: PaperSize,
): void {
  // Names and labels are their own spans: each is ordered on its own (an Arabic name never
  // reorders the words around it), and a long line is made smaller rather than cut.
  const lineMm = { maxWidthMm: paper.widthMm - 2 * MARGIN_MM };
  page.fillColor(INK).text(MARGIN_MM, 15, 13, [stripTitle(header)], 'bold', lineMm);
  const patient = header.patient
    ? [
        '   Patient: ',
        header.patient.name,
        ...(header.patient.mrn ? ['   MRN: ', header.patient.mrn] : []),
      ]
    : ['   Patient: not admitted'];
  page.text(MARGIN_MM, 21.5, 10, ['Bed: ', header.bedLabel, ...patient], 'bold', lineMm);
  const seconds = Math.round((header.toMs - header.fromMs) / 1000);
  page.text(
    MARGIN_MM,
    27,
    9,
    [stripTimeRange(header.fromMs, header.toMs, header.timeZone), `, ${seconds} s`],
    'regular',
    lineMm,
  );
  page.text(
    MARGIN_MM,
    32.5,
    9,
    `Paper speed ${PAPER_SPEED_MM_PER_S} mm/s   ECG gain ${ECG_GAIN_MM_PER_MV} mm/mV   Grid 1 mm / 5 mm`,
    'regular',
    lineMm,
  );
  const at = header.eventMs != null ? 'At the alarm' : 'Numerics';
  const values = numerics.map((n) => `${n.label} ${formatValue(n.value)} ${n.unit}`).join('   ');
  page.text(MARGIN_MM, 38, 9, [`${at}: `, values || 'none stored'], 'regular', lineMm);
  if (anyCalibrated) {
    drawCutMark(page, MARGIN_MM + 1, 42.6, 'top');
    page
      .fillColor(INK)
      .text(
        MARGIN_MM + 3,
        43.5,
        7.5,
        `A wave cut at the edge of the paper: it is taller than drawn. ECG is drawn at ${ECG_GAIN_MM_PER_MV} mm/mV ` +
          'to its full height, across the band next to it, as on a 12-lead print.',
        'regular',
        { maxWidthMm: paper.widthMm - 2 * MARGIN_MM - 3 },
      );
  }
}

function drawFooter(
  page: StripPage,
  header: StripHeader,
  pageNumber: number,
  pageCount: number,
  paper: PaperSize,
): void {
  page
    .fillColor(INK)
    .text(
      MARGIN_MM,
      paper.heightMm - 6,
      7,
      [
        `Printed ${stripTimestamp(header.createdAtMs, header.timeZone)} by `,
        header.actor,
        `   Clinical Workstation (not a certified medical device)   Page ${pageNumber} of ${pageCount}`,
      ],
      'regular',
      { maxWidthMm: paper.widthMm - 2 * MARGIN_MM },
    );
}

/** Pink paper with 1 mm minor and 5 mm major lines, as wide as one 10 s row. */
function drawGrid(page: StripPage, top: number, height: number, paper: PaperSize): void {
  const left = MARGIN_MM;
  const right = Math.min(traceX(ROW_SECONDS), paper.widthMm - MARGIN_MM / 2);
  page.fillColor(PAPER).fillRect(left, top, right - left, height);
  for (const major of [false, true]) {
    page.strokeColor(major ? MAJOR_LINE : MINOR_LINE).lineWidth(major ? 0.2 : 0.07);
    const step = major ? 5 : 1;
    for (let mm = 0; left + mm <= right + 1e-6; mm += step) {
      if (!major && mm % 5 === 0) continue;
      page.moveTo(left + mm, top).lineTo(left + mm, top + height);
    }
    for (let mm = 0; mm <= height + 1e-6; mm += step) {
      if (!major && mm % 5 === 0) continue;
      page.moveTo(left, top + mm).lineTo(right, top + mm);
    }
    page.stroke();
  }
}

interface TraceScale {
  /** Millimetres up per raw count. */
  mmPerCount: number;
  /** The raw value drawn on the band's centre line. */
  centreCount: number;
  calibrated: boolean;
}

const MILLIVOLTS_PER_UNIT: Record<string, number> = {
  mV: 1,
  uV: 0.001,
  µV: 0.001,
  μV: 0.001,
  V: 1000,
};

/**
 * ECG with a known scale is drawn at 10 mm/mV around its median; anything else (no public scale,
 * pleth, respiration) is fitted to its band and says so.
 */
export function traceScale(trace: StripTrace): TraceScale {
  const values = trace.segments.flatMap((s) => Array.from(s.values));
  const millivolts = MILLIVOLTS_PER_UNIT[trace.unit];
  if (trace.kind === 'ecg' && trace.scale !== null && millivolts !== undefined) {
    return {
      mmPerCount: trace.scale * millivolts * ECG_GAIN_MM_PER_MV,
      centreCount: median(values),
      calibrated: true,
    };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return { mmPerCount: 0, centreCount: values[0] ?? 0, calibrated: false };
  return {
    mmPerCount: (BAND_MM[trace.kind] * FIT_FRACTION) / (max - min),
    centreCount: (max + min) / 2,
    calibrated: false,
  };
}

interface Band {
  topMm: number;
  heightMm: number;
}

/**
 * The trace at its scale around its band's centre line. It may leave its band (drawn on across the
 * row, as a 12-lead print does: clipping would hide the voltage a reader measures); only at the
 * edge of the row's paper is it cut, and a mark says so.
 */
function drawTrace(
  page: StripPage,
  trace: StripTrace,
  scale: TraceScale,
  band: Band,
  rowPaper: { topMm: number; bottomMm: number },
  rowFromMs: number,
  rowToMs: number,
): void {
  const centre = band.topMm + band.heightMm / 2;
  const wording = scale.calibrated
    ? `${ECG_GAIN_MM_PER_MV} mm/mV`
    : trace.scale === null
      ? 'uncalibrated'
      : 'scaled to fit';
  page
    .fillColor(INK)
    .text(MARGIN_MM + 1, band.topMm + 3.2, 7, [trace.label, `  ${wording}`], 'bold');
  if (scale.calibrated) drawCalibrationPulse(page, centre);
  const periodMs = 1000 / trace.rateHz;
  const yOf = (raw: number) => centre - (raw - scale.centreCount) * scale.mmPerCount;
  for (const segment of trace.segments) {
    const first = Math.max(0, Math.ceil((rowFromMs - segment.t0Ms) / periodMs - 1e-9));
    const end = Math.min(
      segment.values.length,
      Math.ceil((rowToMs - segment.t0Ms) / periodMs - 1e-9),
    );
    if (end - first < 2) continue;
    const points: PointMm[] = [];
    for (let k = first; k < end; k++) {
      const seconds = (segment.t0Ms + k * periodMs - rowFromMs) / 1000;
      points.push([traceX(seconds), yOf(segment.values[k]!)]);
    }
    const { pieces, cuts } = clipToPaper(points, rowPaper.topMm, rowPaper.bottomMm);
    page.strokeColor(INK).lineWidth(0.3).roundJoins().polylines(pieces);
    for (const cut of cuts) {
      drawCutMark(page, cut.xMm, cut.edge === 'top' ? rowPaper.topMm : rowPaper.bottomMm, cut.edge);
    }
  }
}

/** A red triangle at the edge of the paper, pointing where the wave went on. */
function drawCutMark(page: StripPage, xMm: number, edgeMm: number, edge: 'top' | 'bottom'): void {
  const inward = edge === 'top' ? 1 : -1;
  page.fillColor(CUT_INK).fillPolygon([
    [xMm - 0.9, edgeMm + inward * 1.6],
    [xMm + 0.9, edgeMm + inward * 1.6],
    [xMm, edgeMm],
  ]);
}

/** 1 mV for 200 ms: 10 mm high, 5 mm wide at 25 mm/s and 10 mm/mV. */
function drawCalibrationPulse(page: StripPage, baseline: number): void {
  const x = MARGIN_MM + 2;
  const pulseMm = 0.2 * PAPER_SPEED_MM_PER_S;
  const top = baseline - ECG_GAIN_MM_PER_MV;
  page
    .strokeColor(INK)
    .lineWidth(0.3)
    .polyline([
      [x, baseline],
      [x + 1.5, baseline],
      [x + 1.5, top],
      [x + 1.5 + pulseMm, top],
      [x + 1.5 + pulseMm, baseline],
      [x + 3 + pulseMm, baseline],
    ]);
}

function drawEvent(page: StripPage, x: number, top: number, height: number): void {
  page
    .strokeColor(EVENT_INK)
    .lineWidth(0.35)
    .line(x, top - 1.5, x, top + height);
  page.fillColor(EVENT_INK).text(x + 0.8, top - 0.8, 7, 'Alarm', 'bold');
}

/** Local times under the row, every 2 s. */
function drawTimeScale(
  page: StripPage,
  rowFromMs: number,
  rowToMs: number,
  bottom: number,
  timeZone: string | undefined,
): void {
  page.fillColor(INK);
  for (let s = 0; rowFromMs + s * 1000 <= rowToMs; s += 2) {
    const label = localTime(rowFromMs + s * 1000, timeZone).time;
    page.text(traceX(s) - (s === 0 ? 0 : 5), bottom + 3.5, 6.5, label);
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
