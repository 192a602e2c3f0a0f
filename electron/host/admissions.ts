// Who is in which bed: admit, discharge, transfer and search, on the beds the workstation watches
// and in the store (append-only rows, each with an audit event naming its author). A patient's
// alarm limits follow them: admission sets the category's defaults, a transfer carries the
// category and every limit to the new bed, and a bed left empty goes back to the workstation's
// defaults. Changes run one at a time, so two screens cannot put two patients in one bed.
import type { Patient } from '../../shared/model/schemas';
import type { PatientCategory } from '../../shared/model/alarms';
import { DEFAULT_LIMITS } from '../../shared/model/alarm-defaults';
import type { PatientDetails, PatientWhereabouts } from '../../shared/api/contract-patients';
import type { BedState } from './beds';
import type { Bus } from './bus';
import type { Store } from './store/client';

/** A change a person asked for that cannot be made; the message says why, in a sentence. */
export class AdmissionError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'not_found' = 'refused',
  ) {
    super(message);
  }
}

export interface AdmissionServices {
  beds: ReadonlyMap<string, BedState>;
  /** The bed with this label, made when there is none yet. */
  bedForLabel(label: string): BedState;
  store: Pick<
    Store,
    | 'admitPatient'
    | 'recordAdmissionEvent'
    | 'readCurrentAdmissions'
    | 'searchPatients'
    | 'recordAlarmSettings'
    | 'readLatestAlarmSettings'
  >;
  bus: Bus;
  now(): number;
  /** The category of an empty bed's limits (the workstation's default). */
  emptyBedCategory: PatientCategory;
  /** Where a failure to keep limits is said (the limits still apply until a restart). */
  log?: (message: string) => void;
}

export type BedChoice = { bedId: string } | { bedLabel: string };

const SEARCH_LIMIT = 50;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "Test, Alice (MRN 0001)": how a patient is named in messages and the audit trail. */
export function patientName(patient: Pick<Patient, 'familyName' | 'givenName' | 'mrn'>): string {
  return `${patient.familyName}, ${patient.givenName} (MRN ${patient.mrn})`;
}

/** Refuses a date that is not a real calendar date, is in the future, or is implausibly old. */
export function checkBirthDate(birthDate: string, now: number): void {
  const match = DATE.exec(birthDate);
  const [year, month, day] = match ? match.slice(1).map(Number) : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  if (!match || date.toISOString().slice(0, 10) !== birthDate) {
    throw new AdmissionError(
      `"${birthDate}" is not a date of birth: write it YYYY-MM-DD, for example 1984-03-21.`,
    );
  }
  if (date.getTime() > now) {
    throw new AdmissionError(`The date of birth ${birthDate} is in the future.`);
  }
  if (year! < new Date(now).getUTCFullYear() - 130) {
    throw new AdmissionError(`The date of birth ${birthDate} is more than 130 years ago.`);
  }
}

/**
 * Keeps the bed's limits as they are now, for its patient or as an empty bed's. When the store
 * cannot, the error's sentence says the limits apply but a restart would lose them.
 */
export async function keepAlarmSettings(
  store: Pick<Store, 'recordAlarmSettings'>,
  bed: BedState,
  actor: string,
  atMs: number,
): Promise<void> {
  const { category, limits } = bed.alarms.alarmSettings();
  try {
    await store.recordAlarmSettings({
      bedId: bed.id,
      patientId: bed.patient?.id ?? null,
      category,
      limits,
      actor,
      atMs,
    });
  } catch (error) {
    throw new Error(
      `The alarm limits of ${bed.label} apply now but could not be kept (${(error as Error).message}): a restart would bring back the last ones kept.`,
      { cause: error },
    );
  }
}

export class Admissions {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: AdmissionServices) {}

  /**
   * At start: every bed gets its current patient back, with the limits last confirmed for them
   * (or their category's defaults), and an empty bed the limits last confirmed for it.
   */
  async restore(): Promise<number> {
    const { beds, bedForLabel, store, bus, now } = this.services;
    const [places, saved] = await Promise.all([
      store.readCurrentAdmissions(),
      store.readLatestAlarmSettings(),
    ]);
    const byPatient = new Map(saved.flatMap((s) => (s.patientId ? [[s.patientId, s]] : [])));
    for (const place of places) {
      if (!place.bedId) continue;
      const bed = beds.get(place.bedId) ?? bedForLabel(place.bedLabel ?? place.bedId);
      bed.patient = place.patient;
      const { category } = place.patient;
      const kept = byPatient.get(place.patient.id);
      bed.alarms.setLimits(
        kept?.category ?? category,
        kept?.limits ?? DEFAULT_LIMITS[category],
        'workstation',
        now(),
      );
      bed.publishAlarms(bus);
    }
    for (const kept of saved) {
      const bed = kept.patientId === null ? beds.get(kept.bedId) : undefined;
      if (!bed || bed.patient) continue;
      bed.alarms.setLimits(kept.category, kept.limits, 'workstation', now());
      bed.publishAlarms(bus);
    }
    return places.length;
  }

  admit(details: PatientDetails & BedChoice, actor: string): Promise<Patient> {
    return this.#oneAtATime(async () => {
      const { beds, bedForLabel, store, now } = this.services;
      checkBirthDate(details.birthDate, now());
      const bed = 'bedId' in details ? this.#bed(details.bedId) : bedForLabel(details.bedLabel);
      if (bed.patient) {
        throw new AdmissionError(
          `${bed.label} already has a patient, ${patientName(bed.patient)}: discharge or transfer them first.`,
        );
      }
      const elsewhere = [...beds.values()].find((b) => b.patient?.mrn === details.mrn);
      if (elsewhere?.patient) {
        throw new AdmissionError(
          `MRN ${details.mrn} is already admitted in ${elsewhere.label} (${patientName(elsewhere.patient)}).`,
        );
      }
      const at = now();
      const { mrn, familyName, givenName, birthDate, category } = details;
      const patient = await store.admitPatient({
        patient: { mrn, familyName, givenName, birthDate, category },
        bedId: bed.id,
        bedLabel: bed.label,
        atMs: at,
        actor,
        detail: `${patientName(details)} admitted to ${bed.label} as ${category}`,
      });
      bed.patient = patient;
      await this.#setLimits(bed, category, DEFAULT_LIMITS[category], actor, at);
      return patient;
    });
  }

  discharge(bedId: string, actor: string): Promise<Patient> {
    return this.#oneAtATime(async () => {
      const bed = this.#bed(bedId);
      const patient = bed.patient;
      if (!patient) throw new AdmissionError(`${bed.label} has no patient to discharge.`);
      const at = this.services.now();
      await this.services.store.recordAdmissionEvent({
        patientId: patient.id,
        bedId: bed.id,
        bedLabel: bed.label,
        event: 'discharged',
        atMs: at,
        actor,
        detail: `${patientName(patient)} discharged from ${bed.label}`,
      });
      bed.patient = null;
      await this.#resetEmptyBed(bed, actor, at);
      return patient;
    });
  }

  transfer(fromBedId: string, toBedId: string, actor: string): Promise<Patient> {
    return this.#oneAtATime(async () => {
      const from = this.#bed(fromBedId);
      const to = this.#bed(toBedId);
      const patient = from.patient;
      if (!patient) throw new AdmissionError(`${from.label} has no patient to transfer.`);
      if (from === to)
        throw new AdmissionError(`${patientName(patient)} is already in ${to.label}.`);
      if (to.patient) {
        throw new AdmissionError(
          `${to.label} is not empty: ${patientName(to.patient)} is in it. Choose an empty bed.`,
        );
      }
      const at = this.services.now();
      const { category, limits } = from.alarms.alarmSettings();
      await this.services.store.recordAdmissionEvent({
        patientId: patient.id,
        bedId: to.id,
        bedLabel: to.label,
        event: 'transferred',
        atMs: at,
        actor,
        detail: `${patientName(patient)} transferred from ${from.label} to ${to.label}, with their alarm limits`,
      });
      from.patient = null;
      to.patient = patient;
      await this.#setLimits(to, category, limits, actor, at);
      await this.#resetEmptyBed(from, actor, at);
      return patient;
    });
  }

  async search(query: string): Promise<PatientWhereabouts[]> {
    return this.services.store.searchPatients(query.trim(), SEARCH_LIMIT);
  }

  #bed(bedId: string): BedState {
    const bed = this.services.beds.get(bedId);
    if (!bed)
      throw new AdmissionError(`There is no bed "${bedId}" on this workstation.`, 'not_found');
    return bed;
  }

  #resetEmptyBed(bed: BedState, actor: string, at: number): Promise<void> {
    const category = this.services.emptyBedCategory;
    return this.#setLimits(bed, category, DEFAULT_LIMITS[category], actor, at);
  }

  /**
   * New limits on the bed (logged by its alarm system), every live view told, and kept for the
   * bed's patient (or the empty bed) so a restart finds them.
   */
  async #setLimits(
    bed: BedState,
    category: PatientCategory,
    limits: (typeof DEFAULT_LIMITS)[PatientCategory],
    actor: string,
    at: number,
  ): Promise<void> {
    bed.alarms.setLimits(category, limits, actor, at);
    bed.publishAlarms(this.services.bus);
    this.services.bus.emit('bed', { bedId: bed.id });
    await keepAlarmSettings(this.services.store, bed, actor, at).catch((error: Error) =>
      this.services.log?.(error.message),
    );
  }

  #oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(change, change);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
