// The blood-pressure requests of the contract (spread into `requests` in contract.ts): download
// the USB monitor's stored readings for the patient in a bed, and assign or drop the readings the
// workstation could not take as theirs (taken before they came into the bed, or later than now).
import { z } from 'zod';
import { Patient } from '../model/schemas';

const Count = z.number().int().nonnegative();

/** A reading as the monitor stored it: its own clock's time and the values. */
export const BloodPressureReading = z.object({
  /** The monitor's wall-clock time, no zone (e.g. 2026-11-20T08:15:00). */
  takenAt: z.string(),
  /** That time read as the workstation's local time, UTC ms. */
  at: z.number(),
  systolic: z.number(),
  diastolic: z.number(),
  pulse: z.number(),
});
export type BloodPressureReading = z.infer<typeof BloodPressureReading>;

/** A reading waiting for a person: assign it to the patient or drop it. */
export const HeldReading = BloodPressureReading.extend({
  /** Names the reading in assignBloodPressureReadings. */
  key: z.string(),
  reason: z.enum(['before-admission', 'in-the-future']),
});
export type HeldReading = z.infer<typeof HeldReading>;

export const bloodPressureRequests = {
  /**
   * Downloads the USB blood-pressure monitor's stored readings for the patient in the bed with
   * this label (a bed with no patient is refused before the monitor is opened). Readings taken
   * since the patient came into the bed are stored for them; a reading stored before, for anyone,
   * is not stored again; the others are held for a person (`held`).
   */
  importBloodPressure: {
    input: z.object({ bedLabel: z.string().trim().min(1).max(64) }).strict(),
    output: z.object({
      bedId: z.string(),
      /** The patient the readings were downloaded for. */
      patient: Patient,
      /** When the patient came into this bed (admitted or transferred), UTC ms. */
      inBedSince: z.number(),
      downloaded: Count,
      imported: Count,
      alreadyStored: Count,
      /** Of those already stored: how many were kept for another patient. */
      storedForOthers: Count,
      /** Readings for a person to assign or drop; null when there are none. */
      held: z.object({ downloadId: z.string(), readings: z.array(HeldReading) }).nullable(),
      /** The most recent reading stored now, or null. */
      newest: BloodPressureReading.nullable(),
    }),
  },
  /**
   * Keeps held readings for the patient they were held for (`assign`), or not (`drop`); both
   * logged with who decided. Refused when that patient is no longer in the bed.
   */
  assignBloodPressureReadings: {
    input: z
      .object({
        downloadId: z.string().min(1).max(64),
        patientId: z.string().min(1).max(64),
        assign: z.array(z.string().max(200)).max(500),
        drop: z.array(z.string().max(200)).max(500),
      })
      .strict(),
    output: z.object({
      assigned: Count,
      dropped: Count,
      /** Assigned but stored meanwhile (another download): not stored twice. */
      alreadyStored: Count,
      /** Readings of this download still waiting for a decision. */
      stillHeld: Count,
    }),
  },
} as const;
