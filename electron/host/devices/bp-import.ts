// What a blood-pressure monitor's downloaded readings become, without effects: each reading is
// the numerics it carries (systolic, diastolic, pulse), keyed by the reading itself, and belongs
// to one patient. A reading taken while the patient is in the bed is theirs; one taken before
// they came into the bed (or later than now: a wrong monitor clock) cannot be assumed to be, so
// it is held for a person to assign or drop; one stored before, for anyone, is not stored again.
import {
  NIBP_DIASTOLIC,
  NIBP_PULSE_RATE,
  NIBP_SYSTOLIC,
  readingKey,
  type BpReading,
} from './drivers/omron-hem790it';

/** One numeric row that may already be stored: `sourceKey` says which reading it came from. */
export interface ImportedNumeric {
  bedId: string;
  deviceId: string;
  refId: string;
  value: number;
  unit: string;
  at: number;
  sourceKey: string;
  /** The patient the reading is kept for. */
  patientId: string;
}

/** A reading with its time on the workstation's clock and the key it is stored under. */
export interface TimedReading extends BpReading {
  at: number;
  key: string;
}

export type HoldReason = 'before-admission' | 'in-the-future';

export interface ReadingsSorted {
  /** Taken while the patient is in the bed, never stored before: theirs. */
  keep: TimedReading[];
  /** For a person to assign to the patient or drop, with why. */
  held: (TimedReading & { reason: HoldReason })[];
  /** Stored before: for this patient, or (`forOthers`) for someone else. */
  alreadyStored: TimedReading[];
  forOthers: number;
}

/** A reading later than this after now is not taken as now's: the monitor's clock is off. */
export const MONITOR_CLOCK_AHEAD_ALLOWANCE_MS = 5 * 60_000;

/**
 * The monitor's wall-clock time (no zone) read as this workstation's local time: the monitor
 * and the workstation are in the same room, which is all that can be known.
 */
export function readingTimeMs(reading: BpReading): number {
  return new Date(reading.takenAt).getTime();
}

export function timedReading(deviceId: string, reading: BpReading): TimedReading {
  return { ...reading, at: readingTimeMs(reading), key: `${deviceId}|${readingKey(reading)}` };
}

export function readingRows(
  target: { bedId: string; deviceId: string; patientId: string },
  reading: TimedReading,
): ImportedNumeric[] {
  return [
    { refId: NIBP_SYSTOLIC, value: reading.systolic, unit: 'mm[Hg]' },
    { refId: NIBP_DIASTOLIC, value: reading.diastolic, unit: 'mm[Hg]' },
    { refId: NIBP_PULSE_RATE, value: reading.pulse, unit: '/min' },
  ].map((row) => ({ ...row, ...target, at: reading.at, sourceKey: reading.key }));
}

/**
 * Sorts a download for the patient in the bed since `inBedSinceMs`. `storedFor` names, for each
 * reading stored before, the patient it was kept for (null: from before readings had one).
 */
export function sortReadings(
  readings: readonly TimedReading[],
  context: {
    patientId: string;
    inBedSinceMs: number;
    nowMs: number;
    storedFor: ReadonlyMap<string, string | null>;
  },
): ReadingsSorted {
  const sorted: ReadingsSorted = { keep: [], held: [], alreadyStored: [], forOthers: 0 };
  const seen = new Set<string>();
  for (const reading of readings) {
    if (seen.has(reading.key)) continue; // the same reading twice in one memory is one reading
    seen.add(reading.key);
    if (context.storedFor.has(reading.key)) {
      sorted.alreadyStored.push(reading);
      if (context.storedFor.get(reading.key) !== context.patientId) sorted.forOthers++;
    } else if (!Number.isFinite(reading.at) || reading.at < context.inBedSinceMs) {
      sorted.held.push({ ...reading, reason: 'before-admission' });
    } else if (reading.at > context.nowMs + MONITOR_CLOCK_AHEAD_ALLOWANCE_MS) {
      sorted.held.push({ ...reading, reason: 'in-the-future' });
    } else {
      sorted.keep.push(reading);
    }
  }
  return sorted;
}

/** The most recent reading by its own time, or null for none. */
export function newestReading<T extends TimedReading>(readings: readonly T[]): T | null {
  return readings.reduce<T | null>((best, r) => (best === null || r.at > best.at ? r : best), null);
}
