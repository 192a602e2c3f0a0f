// Downloading a blood-pressure monitor's stored readings into a bed: every reading becomes the
// numerics it carries (systolic, diastolic, pulse), keyed by the reading itself, so downloading
// the same monitor again stores nothing twice.
import {
  NIBP_DIASTOLIC,
  NIBP_PULSE_RATE,
  NIBP_SYSTOLIC,
  downloadReadings,
  readingKey,
  type BpReading,
  type DownloadOptions,
} from './drivers/omron-hem790it';
import type { HidReportTransport } from './transports/hid';

/** One numeric row that may already be stored: `sourceKey` says which reading it came from. */
export interface ImportedNumeric {
  bedId: string;
  deviceId: string;
  refId: string;
  value: number;
  unit: string;
  at: number;
  sourceKey: string;
}

export interface ImportSink {
  /** Stores the rows not stored before (same bed, code and source key); says which were new. */
  importNumerics(rows: ImportedNumeric[]): Promise<boolean[]>;
}

export interface BpImportResult {
  downloaded: number;
  imported: number;
  alreadyStored: number;
  /** The most recent reading by its own time, or null when the monitor holds none. */
  newest: (BpReading & { at: number }) | null;
}

/**
 * The monitor's wall-clock time (no zone) read as this workstation's local time: the monitor
 * and the workstation are in the same room, which is all that can be known.
 */
export function readingTimeMs(reading: BpReading): number {
  return new Date(reading.takenAt).getTime();
}

export function readingRows(
  bedId: string,
  deviceId: string,
  reading: BpReading,
): ImportedNumeric[] {
  const at = readingTimeMs(reading);
  const sourceKey = `${deviceId}|${readingKey(reading)}`;
  return [
    { refId: NIBP_SYSTOLIC, value: reading.systolic, unit: 'mm[Hg]' },
    { refId: NIBP_DIASTOLIC, value: reading.diastolic, unit: 'mm[Hg]' },
    { refId: NIBP_PULSE_RATE, value: reading.pulse, unit: '/min' },
  ].map((row) => ({ ...row, bedId, deviceId, at, sourceKey }));
}

export async function importBpReadings(
  transport: HidReportTransport,
  target: { bedId: string; deviceId: string; sink: ImportSink },
  options: DownloadOptions = {},
): Promise<BpImportResult> {
  const readings = await downloadReadings(transport, options);
  const rowsPerReading = readings.map((reading) =>
    readingRows(target.bedId, target.deviceId, reading),
  );
  const inserted = await target.sink.importNumerics(rowsPerReading.flat());
  const perReading = rowsPerReading[0]?.length ?? 0;
  const imported = readings.filter((_, i) => inserted[i * perReading]).length;
  const newest = readings.reduce<(BpReading & { at: number }) | null>((best, reading) => {
    const at = readingTimeMs(reading);
    return best === null || at > best.at ? { ...reading, at } : best;
  }, null);
  return {
    downloaded: readings.length,
    imported,
    alreadyStored: readings.length - imported,
    newest,
  };
}
