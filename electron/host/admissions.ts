// Who is in which bed: admit, discharge, transfer and search, on the beds the workstation watches
// and in the store (append-only rows, each with an audit event naming its author). A patient's
// alarm settings (limits, alarms off, audio off) belong to their stay: admission starts from the
// category's defaults with everything on, a transfer carries them to the new bed and says so
// there, and a bed left empty goes back to the workstation's defaults. Every hand-over ends the
// alarms about whoever left. Changes run one at a time, so two screens cannot put two patients in
// one bed.
import type { Patient } from '../../shared/model/schemas';
import type { PatientCategory, StayAlarmSettings } from '../../shared/model/alarms';
import { defaultStaySettings } from '../../shared/model/alarm-defaults';
import type {
  PatientDetails,
  PatientHistory,
  PatientWhereabouts,
  SameMrnQuestion,
  SamePersonConfirmation,
} from '../../shared/api/contract-patients';
import type { BedState } from './beds';
import {
  decideIdentity,
  describeDemographics,
  sameMrn,
  sameMrnSentence,
  type IdentityDecision,
} from './patient-identity';
import type { Bus } from './bus';
import type { PatientVersionToStore, Store } from './store/client';

/**
 * A change a person asked for that cannot be made; the message says why, in a sentence. A
 * `same-person` refusal carries both sets of details, for a person to confirm or not.
 */
export class AdmissionError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'not_found' | 'same-person' = 'refused',
    readonly question?: SameMrnQuestion,
  ) {
    super(message);
  }
}

export interface AdmissionServices {
  /** A bed made for an admission that then fails is taken off again. */
  beds: Map<string, BedState>;
  /** The bed with this label, made when there is none yet. */
  bedForLabel(label: string): BedState;
  store: Pick<
    Store,
    | 'admitPatient'
    | 'findPatientByMrn'
    | 'readPatientHistory'
    | 'recordAdmissionEvent'
    | 'readCurrentAdmissions'
    | 'searchPatients'
    | 'recordAlarmSettings'
    | 'readLatestAlarmSettings'
    | 'recordPatientVersion'
  >;
  bus: Bus;
  now(): number;
  /** The category of an empty bed's limits (the workstation's default). */
  emptyBedCategory: PatientCategory;
  /** Where a failure to keep limits is said (the limits still apply until a restart). */
  log?: (message: string) => void;
}

export type BedChoice = { bedId: string } | { bedLabel: string };
/** An admission as asked for: who, which bed, and the record confirmed as the same person. */
export type AdmissionRequest = PatientDetails &
  BedChoice & { samePersonAs?: SamePersonConfirmation };

const SEARCH_LIMIT = 50;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "Test, Alice (MRN 0001)": how a patient is named in messages and the audit trail. */
export function patientName(patient: Pick<Patient, 'familyName' | 'givenName' | 'mrn'>): string {
  return `${patient.familyName}, ${patient.givenName} (MRN ${patient.mrn})`;
}

/** What the audit trail says when a known patient's details get a new version (if they do). */
function versionDetail(
  stored: PatientHistory['versions'][number],
  entered: PatientDetails,
  decision: IdentityDecision,
): string | undefined {
  if (decision.kind !== 'known' || !decision.newVersion) return undefined;
  const changes: string[] = [];
  if (describeDemographics(stored) !== describeDemographics(entered)) {
    changes.push(
      `${describeDemographics(stored)} is now ${describeDemographics(entered)}, confirmed the same person`,
    );
  }
  if (stored.category !== entered.category) {
    changes.push(`category ${stored.category} is now ${entered.category}`);
  }
  return `MRN ${stored.mrn}: ${changes.join('; ')}`;
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
 * Keeps the bed's alarm settings as they are now (limits, alarms off, audio off), for its patient
 * or as an empty bed's. When the store cannot, the error's sentence says the settings apply but a
 * restart would lose them.
 */
export async function keepAlarmSettings(
  store: Pick<Store, 'recordAlarmSettings'>,
  bed: BedState,
  actor: string,
  atMs: number,
): Promise<void> {
  try {
    await store.recordAlarmSettings({
      ...bed.alarms.staySettings(),
      bedId: bed.id,
      patientId: bed.patient?.id ?? null,
      actor,
      atMs,
    });
  } catch (error) {
    throw new Error(
      `The alarm settings of ${bed.label} apply now but could not be kept (${(error as Error).message}): a restart would bring back the last ones kept.`,
      { cause: error },
    );
  }
}

/** What a patient brings to the bed they are transferred to: every setting, and where it was made. */
export function carriedSettings(settings: StayAlarmSettings, fromBed: string): StayAlarmSettings {
  return {
    ...settings,
    alarmsOff: settings.alarmsOff.map((off) => ({
      ...off,
      carriedFrom: off.carriedFrom ?? fromBed,
    })),
    audioOff: settings.audioOff && {
      ...settings.audioOff,
      carriedFrom: settings.audioOff.carriedFrom ?? fromBed,
    },
  };
}

export class Admissions {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: AdmissionServices) {}

  /**
   * At start: every bed gets its current patient back, with the alarm settings last kept for
   * them (or their category's defaults), and an empty bed the settings last kept for it.
   */
  async restore(): Promise<number> {
    const { beds, bedForLabel, store, bus, now } = this.services;
    const [places, saved] = await Promise.all([
      store.readCurrentAdmissions(),
      store.readLatestAlarmSettings(),
    ]);
    const why = 'kept across a restart';
    const byPatient = new Map(saved.flatMap((s) => (s.patientId ? [[s.patientId, s]] : [])));
    for (const place of places) {
      if (!place.bedId) continue;
      const bed = beds.get(place.bedId) ?? bedForLabel(place.bedLabel ?? place.bedId);
      bed.patient = place.patient;
      bed.patientSinceMs = now();
      const kept = byPatient.get(place.patient.id);
      bed.alarms.beginStay(
        kept ?? defaultStaySettings(place.patient.category),
        'workstation',
        now(),
        why,
      );
      bed.publishAlarms(bus);
    }
    for (const kept of saved) {
      const bed = kept.patientId === null ? beds.get(kept.bedId) : undefined;
      if (!bed || bed.patient) continue;
      bed.alarms.beginStay(kept, 'workstation', now(), why);
      bed.publishAlarms(bus);
    }
    return places.length;
  }

  /**
   * Admits a patient to an empty bed. Every check comes before anything is made, so a refused
   * admission changes nothing: a bed given by label is made only once the admission is decided
   * (and taken off again should the store fail). An MRN known with other details is refused with
   * both sets, unless the request confirms the version of the record the person was shown.
   */
  admit(details: AdmissionRequest, actor: string): Promise<Patient> {
    return this.#oneAtATime(async () => {
      const { beds, bedForLabel, store, now } = this.services;
      checkBirthDate(details.birthDate, now());
      const newLabel = 'bedId' in details ? null : details.bedLabel;
      const existing = 'bedId' in details ? this.#bed(details.bedId) : this.#labelled(newLabel!);
      if (existing?.patient) {
        throw new AdmissionError(
          `${existing.label} already has a patient, ${patientName(existing.patient)}: discharge or transfer them first.`,
        );
      }
      const elsewhere = [...beds.values()].find(
        (b) => b.patient && sameMrn(b.patient.mrn, details.mrn),
      );
      if (elsewhere?.patient) {
        throw new AdmissionError(
          `MRN ${details.mrn} is already admitted in ${elsewhere.label} (${patientName(elsewhere.patient)}).`,
        );
      }
      const { mrn, familyName, givenName, birthDate, category } = details;
      const entered = { mrn, familyName, givenName, birthDate, category };
      const record = await store.findPatientByMrn(mrn);
      if (record?.bedId) {
        throw new AdmissionError(
          `MRN ${mrn} is already admitted in ${record.bedLabel} (${patientName(record.patient)}).`,
        );
      }
      const known = record && { patientId: record.patient.id, current: record.current };
      const decision = decideIdentity(known, entered, details.samePersonAs);
      if (decision.kind === 'ask') {
        throw new AdmissionError(
          sameMrnSentence(decision.question),
          'same-person',
          decision.question,
        );
      }
      const at = now();
      const bed = existing ?? bedForLabel(newLabel!);
      let patient: Patient;
      try {
        patient = await store.admitPatient({
          patient: entered,
          known:
            decision.kind === 'known'
              ? { patientId: decision.patientId, versionId: decision.versionId }
              : null,
          newVersion: decision.kind === 'known' && decision.newVersion,
          versionDetail: record ? versionDetail(record.current, entered, decision) : undefined,
          bedId: bed.id,
          bedLabel: bed.label,
          atMs: at,
          actor,
          detail: `${patientName({ ...entered, mrn: record?.patient.mrn ?? mrn })} admitted to ${bed.label} as ${category}`,
        });
      } catch (error) {
        if (!existing && !bed.patient && bed.deviceIds.length === 0) beds.delete(bed.id);
        throw error;
      }
      bed.patient = patient;
      const settings = defaultStaySettings(category);
      await this.#beginStay(bed, settings, actor, at, `${patientName(patient)} admitted`);
      return patient;
    });
  }

  /** Every version of the patient's details and every admission, transfer and discharge. */
  async history(patientId: string): Promise<PatientHistory> {
    const history = await this.services.store.readPatientHistory(patientId);
    if (!history) {
      throw new AdmissionError(
        `There is no patient "${patientId}" on this workstation.`,
        'not_found',
      );
    }
    return history;
  }

  /**
   * New details for a patient after the version a person was shown (the hospital's, taken for a
   * patient in a bed: census/hospital-list.ts): a new version, the old one kept; the bed shows them.
   */
  recordDetails(change: PatientVersionToStore): Promise<Patient> {
    return this.#oneAtATime(async () => {
      checkBirthDate(change.details.birthDate, this.services.now());
      const patient = await this.services.store.recordPatientVersion(change);
      for (const bed of this.services.beds.values()) {
        if (bed.patient?.id !== patient.id) continue;
        bed.patient = patient;
        this.services.bus.emit('bed', { bedId: bed.id });
      }
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
      await this.#emptyBed(bed, actor, at, `${patientName(patient)} discharged`);
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
      const brought = carriedSettings(from.alarms.staySettings(), from.label);
      await this.services.store.recordAdmissionEvent({
        patientId: patient.id,
        bedId: to.id,
        bedLabel: to.label,
        event: 'transferred',
        atMs: at,
        actor,
        detail: `${patientName(patient)} transferred from ${from.label} to ${to.label}, with their alarm settings`,
      });
      from.patient = null;
      to.patient = patient;
      const name = patientName(patient);
      await this.#beginStay(to, brought, actor, at, `${name} came from ${from.label}`);
      await this.#emptyBed(from, actor, at, `${name} went to ${to.label}`);
      return patient;
    });
  }

  async search(query: string): Promise<PatientWhereabouts[]> {
    return this.services.store.searchPatients(query.trim(), SEARCH_LIMIT);
  }

  /** The bed with this label, or null when there is none yet (it is not made here). */
  #labelled(bedLabel: string): BedState | null {
    return [...this.services.beds.values()].find((b) => b.label === bedLabel) ?? null;
  }

  #bed(bedId: string): BedState {
    const bed = this.services.beds.get(bedId);
    if (!bed)
      throw new AdmissionError(`There is no bed "${bedId}" on this workstation.`, 'not_found');
    return bed;
  }

  #emptyBed(bed: BedState, actor: string, at: number, why: string): Promise<void> {
    const settings = defaultStaySettings(this.services.emptyBedCategory);
    return this.#beginStay(bed, settings, actor, at, why);
  }

  /**
   * A new stay in the bed (its alarm system ends the last one's alarms and logs every change),
   * every live view told, and the settings kept for the bed's patient (or the empty bed) so a
   * restart finds them.
   */
  async #beginStay(
    bed: BedState,
    settings: StayAlarmSettings,
    actor: string,
    at: number,
    why: string,
  ): Promise<void> {
    bed.patientSinceMs = bed.patient ? at : null;
    bed.alarms.beginStay(settings, actor, at, why);
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
