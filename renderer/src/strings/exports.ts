// The words of the review's exports (part of strings.ts: every sentence a person reads, in one
// place).
import type { ExportFormat } from '../../../shared/api/contract-exports';
import { calendarDate, clockTime, dateAndTime } from '../clinical/clinical-time';

const seconds = { seconds: true };
const span = (fromMs: number, toMs: number) =>
  calendarDate(fromMs) === calendarDate(toMs)
    ? `${dateAndTime(fromMs, seconds)} – ${clockTime(toMs, seconds)}`
    : `${dateAndTime(fromMs, seconds)} – ${dateAndTime(toMs, seconds)}`;

/** 512 B, 3.4 kB, 12.3 MB, 1.20 GB. */
export function byteWords(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toLocaleString([], { maximumFractionDigits: value < 10 ? 2 : 1 })} ${units[unit]}`;
}

/** 40 s, 3 min 5 s, 2 h 10 min. */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** How much of the record goes by in a second of exporting: "2.5 h of signal per second". */
function paceWords(recordMsPerS: number): string {
  const minutes = recordMsPerS / 60_000;
  if (minutes < 1) return `${Math.round(recordMsPerS / 1000)} s of signal per second`;
  if (minutes < 60) return `${Math.round(minutes)} min of signal per second`;
  return `${(minutes / 60).toLocaleString([], { maximumFractionDigits: 1 })} h of signal per second`;
}

export const exportsStrings = {
  open: 'Export…',
  openLabel: 'Export this bed’s stored signal as files',
  title: 'Export',
  close: 'Close',
  format: 'Format',
  formats: {
    wfdb: 'WFDB (PhysioNet, 16-bit)',
    wfdb212: 'WFDB (PhysioNet, 12-bit, smaller)',
    edf: 'EDF+',
    csv: 'CSV (text, largest)',
  } satisfies Record<ExportFormat, string>,
  formatShort: {
    wfdb: 'WFDB',
    wfdb212: 'WFDB 212',
    edf: 'EDF+',
    csv: 'CSV',
  } satisfies Record<ExportFormat, string>,
  range: 'Time range',
  /** The host exports the patient's stay in the bed, or, with no patient, all that is stored. */
  rangeStay: (hasPatient: boolean) =>
    hasPatient ? 'The patient’s whole stay (up to 72 h)' : 'All the stored signal (up to 72 h)',
  rangeShown: (fromMs: number, toMs: number) => `The window shown (${span(fromMs, toMs)})`,
  rangeShownNone: 'The window shown',
  rangeChosen: 'From … to …',
  from: 'From',
  to: 'To',
  start: 'Start export',
  starting: 'Starting…',
  startFailed: (reason: string) => `The export was not started: ${reason}`,
  badTimes: 'Choose a start and an end, the end after the start.',
  hint: 'The workstation writes the files into its exports folder; exports go on while you review.',
  listLabel: 'Exports of this bed',
  listFailed: (reason: string) => `The exports could not be listed: ${reason}`,
  what: (format: ExportFormat, fromMs: number, toMs: number) =>
    `${exportsStrings.formatShort[format]} · ${span(fromMs, toMs)}`,
  progressLabel: (format: ExportFormat, fromMs: number, toMs: number) =>
    `Progress of the ${exportsStrings.formatShort[format]} export of ${span(fromMs, toMs)}`,
  percent: (fraction: number) => `${Math.floor(fraction * 100)} %`,
  stage: { reading: 'reading the record', writing: 'writing the files' },
  written: (bytes: number) => `${byteWords(bytes)} written`,
  pace: paceWords,
  left: (seconds: number) => `about ${durationWords(seconds)} left`,
  cancel: 'Cancel',
  cancelLabel: (format: ExportFormat, fromMs: number, toMs: number) =>
    `Cancel the ${exportsStrings.formatShort[format]} export of ${span(fromMs, toMs)}`,
  cancelling: 'Cancelling…',
  cancelFailed: (reason: string) => `Not cancelled: ${reason}`,
  done: (files: number, bytes: number) =>
    `Done: ${files} ${files === 1 ? 'file' : 'files'}, ${byteWords(bytes)}, sealed in the folder`,
  /** Each file of a finished export: the plain file, given to this screen. */
  download: 'Download',
  downloadLabel: (file: string) => `Download ${file}`,
  downloading: 'Preparing…',
  downloadFailed: (reason: string) => `Not downloaded: ${reason}`,
  /** The desktop app has no download address: its files are opened with the command. */
  openWithCommand: 'Sealed at rest: open a file with “workstation exports open FILE --out PATH”.',
  failed: 'Failed:',
  cancelled: 'Cancelled; nothing was kept.',
  lost: (reason: string) => `No longer followed: ${reason}`,
  states: { running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
};
