// Lays out an ECG strip as PDF pages, the way a recorder prints it: a header (bed, patient, time
// span in local time and UTC, kind, paper speed and gain), rows of 10 s on 1 mm / 5 mm grid paper
// at 25 mm/s and 10 mm/mV, ECG with its 1 mV calibration pulse, pleth and respiration bands, the
// numerics at the event. Pure: inputs in, pages out. Gaps in the signal stay gaps.
import { A4_LANDSCAPE, PdfPage, type PaperSize, type Rgb } from './pdf-writer';

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
const HEADER_BOTTOM_MM = 42;
const ROW_GAP_MM = 7;
const BAND_MM: Record<TraceKind, number> = { ecg: 30, pleth: 15, resp: 15 };
/** A fitted (uncalibrated) trace fills this part of its band. */
const FIT_FRACTION = 0.8;

// Paper colours: this is paper, not the screen, so it keeps the recorder's pink and red.
const PAPER: Rgb = [1, 0.965, 0.965];
const MINOR_LINE: Rgb = [0.96, 0.72, 0.72];
const MAJOR_LINE: Rgb = [0.88, 0.36, 0.36];
const INK: Rgb = [0, 0, 0];
const EVENT_INK: Rgb = [0.1, 0.2, 0.75];

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
}: StripInput): PdfPage[] {
  const rowCount = Math.max(1, Math.ceil((header.toMs - header.fromMs) / (ROW_SECONDS * 1000)));
  const bands = traces.length > 0 ? traces.map((t) => BAND_MM[t.kind]) : [BAND_MM.ecg];
  const rowHeight = bands.reduce((a, b) => a + b, 0);
  const scales = traces.map((trace) => traceScale(trace));
  const pages: PdfPage[] = [];
  let page: PdfPage | null = null;
  let y = 0;
  for (let row = 0; row < rowCount; row++) {
    if (!page || y + rowHeight + 6 > paper.heightMm - MARGIN_MM) {
      page = new PdfPage(paper);
      pages.push(page);
      drawHeader(page, header, numerics);
      y = HEADER_BOTTOM_MM;
    }
    const rowFromMs = header.fromMs + row * ROW_SECONDS * 1000;
    const rowToMs = Math.min(header.toMs, rowFromMs + ROW_SECONDS * 1000);
    drawGrid(page, y, rowHeight, paper);
    let bandTop = y;
    traces.forEach((trace, i) => {
      drawTrace(page!, trace, scales[i]!, bandTop, bands[i]!, rowFromMs, rowToMs);
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

function drawHeader(page: PdfPage, header: StripHeader, numerics: readonly StripNumeric[]): void {
  page.fillColor(INK).text(MARGIN_MM, 15, 13, stripTitle(header), 'bold');
  const patient = header.patient
    ? `Patient: ${header.patient.name}${header.patient.mrn ? `   MRN: ${header.patient.mrn}` : ''}`
    : 'Patient: not admitted';
  page.text(MARGIN_MM, 21.5, 10, `Bed: ${header.bedLabel}   ${patient}`, 'bold');
  const local = `${localTime(header.fromMs, header.timeZone)} to ${localTime(header.toMs, header.timeZone, true)}`;
  const utc = `${utcTime(header.fromMs)} to ${utcTime(header.toMs).slice(11)} UTC`;
  page.text(MARGIN_MM, 27, 9, `${local}   (${utc})`);
  const seconds = Math.round((header.toMs - header.fromMs) / 1000);
  page.text(
    MARGIN_MM,
    32.5,
    9,
    `${seconds} s   Paper speed ${PAPER_SPEED_MM_PER_S} mm/s   ECG gain ${ECG_GAIN_MM_PER_MV} mm/mV   Grid 1 mm / 5 mm`,
  );
  const at = header.eventMs != null ? 'At the alarm' : 'Numerics';
  const values = numerics.map((n) => `${n.label} ${formatValue(n.value)} ${n.unit}`).join('   ');
  page.text(MARGIN_MM, 38, 9, `${at}: ${values || 'none stored'}`);
}

function drawFooter(
  page: PdfPage,
  header: StripHeader,
  pageNumber: number,
  pageCount: number,
  paper: PaperSize,
): void {
  const made = `Printed ${localTime(header.createdAtMs, header.timeZone)} by ${header.actor}`;
  page
    .fillColor(INK)
    .text(
      MARGIN_MM,
      paper.heightMm - 6,
      7,
      `${made}   Clinical Workstation (not a certified medical device)   Page ${pageNumber} of ${pageCount}`,
    );
}

/** Pink paper with 1 mm minor and 5 mm major lines, as wide as one 10 s row. */
function drawGrid(page: PdfPage, top: number, height: number, paper: PaperSize): void {
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

function drawTrace(
  page: PdfPage,
  trace: StripTrace,
  scale: TraceScale,
  top: number,
  height: number,
  rowFromMs: number,
  rowToMs: number,
): void {
  const centre = top + height / 2;
  const wording = scale.calibrated
    ? `${ECG_GAIN_MM_PER_MV} mm/mV`
    : trace.scale === null
      ? 'uncalibrated'
      : 'scaled to fit';
  page.fillColor(INK).text(MARGIN_MM + 1, top + 3.2, 7, `${trace.label}  ${wording}`, 'bold');
  if (scale.calibrated) drawCalibrationPulse(page, centre);
  const periodMs = 1000 / trace.rateHz;
  const yOf = (raw: number) =>
    Math.min(top + height, Math.max(top, centre - (raw - scale.centreCount) * scale.mmPerCount));
  page.strokeColor(INK).lineWidth(0.3).roundJoins();
  for (const segment of trace.segments) {
    const first = Math.max(0, Math.ceil((rowFromMs - segment.t0Ms) / periodMs - 1e-9));
    const end = Math.min(
      segment.values.length,
      Math.ceil((rowToMs - segment.t0Ms) / periodMs - 1e-9),
    );
    if (end - first < 2) continue;
    const points: [number, number][] = [];
    for (let k = first; k < end; k++) {
      const seconds = (segment.t0Ms + k * periodMs - rowFromMs) / 1000;
      points.push([traceX(seconds), yOf(segment.values[k]!)]);
    }
    page.polyline(points);
  }
}

/** 1 mV for 200 ms: 10 mm high, 5 mm wide at 25 mm/s and 10 mm/mV. */
function drawCalibrationPulse(page: PdfPage, baseline: number): void {
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

function drawEvent(page: PdfPage, x: number, top: number, height: number): void {
  page
    .strokeColor(EVENT_INK)
    .lineWidth(0.35)
    .line(x, top - 1.5, x, top + height);
  page.fillColor(EVENT_INK).text(x + 0.8, top - 0.8, 7, 'Alarm', 'bold');
}

/** Local times under the row, every 2 s. */
function drawTimeScale(
  page: PdfPage,
  rowFromMs: number,
  rowToMs: number,
  bottom: number,
  timeZone: string | undefined,
): void {
  page.fillColor(INK);
  for (let s = 0; rowFromMs + s * 1000 <= rowToMs; s += 2) {
    const label = localTime(rowFromMs + s * 1000, timeZone, true);
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

/** "2026-11-21 08:05:09" in the zone (the workstation's when absent); time only if asked. */
export function localTime(ms: number, timeZone?: string, timeOnly = false): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  return timeOnly
    ? time
    : `${parts.year}-${parts.month}-${parts.day} ${time} ${parts.timeZoneName}`;
}

function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
