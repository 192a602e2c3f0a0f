// The hospital's patient list on this workstation: searched by a nurse admitting a patient, and
// held against every patient in a bed here (by MRN) whenever the list or a bed changes, so that a
// patient admitted here with other details than the hospital's (offline, the rural case) is shown
// for a person to resolve, never merged: the hospital's details become a new version of ours
// (through Admissions, the old one kept), or ours are kept (audited; asked again when the
// hospital's record changes).
import { ApiError } from '../../../shared/api/errors';
import type {
  HospitalListEvent,
  HospitalListState,
  HospitalMatch,
} from '../../../shared/api/contract-census';
import type { RequestInput } from '../../../shared/api/contract';
import type { CensusEntry } from '../../../shared/sync/census';
import type { Bus } from '../bus';
import type { BedState } from '../beds';
import type { Store } from '../store/client';
import { censusMrnKey } from '../store/census';
import { AdmissionError, patientName, type Admissions } from '../admissions';
import { describeDemographics } from '../patient-identity';
import {
  hospitalDetailsFor,
  hospitalDetailsKey,
  matchOf,
  type PatientInBed,
} from './hospital-match';

export interface HospitalListServices {
  store: Pick<Store, 'census' | 'findPatientByMrn'>;
  beds: ReadonlyMap<string, BedState>;
  admissions: Pick<Admissions, 'recordDetails'>;
  bus: Bus;
  now(): number;
  log?: (message: string) => void;
}

const SEARCH_LIMIT = 20;

/** "Test, Ada, born 1950-05-06" as the hospital has it (a detail it does not give: "?"). */
function hospitalWords(entry: CensusEntry): string {
  return `${entry.familyName ?? '?'}, ${entry.givenName ?? '?'}, born ${entry.birthDate ?? '?'}`;
}

export class HospitalList {
  private last: HospitalListEvent = { available: false, asOfMs: null, patients: 0, matches: [] };
  private lastJson = '';
  private readonly listeners = new Set<(event: HospitalListEvent) => void>();
  private soon: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly services: HospitalListServices) {}

  /** Compares now and whenever a bed changes; call `refreshSoon` when a page is kept. */
  async start(): Promise<this> {
    this.unsubscribe = this.services.bus.on('bed', () => this.refreshSoon());
    await this.refresh();
    return this;
  }

  stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    return this.refreshing ?? Promise.resolve();
  }

  /** The list's state and the matches now, then on every change. Returns the unsubscribe. */
  subscribe(listener: (event: HospitalListEvent) => void): () => void {
    this.listeners.add(listener);
    listener(this.last);
    return () => this.listeners.delete(listener);
  }

  /** Soon (changes come in bursts: an admission, a page of the list). */
  refreshSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.refresh();
    }, 100);
    this.soon.unref();
  }

  /** Compares every patient in a bed with the list now; tells the listeners of a change. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const run = this.compare()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.services.log?.(`hospital list: could not compare: ${(error as Error).message}`),
      )
      .finally(() => {
        this.refreshing = null;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    this.refreshing = run;
    return run;
  }

  async search(query: string): Promise<HospitalListState & { entries: CensusEntry[] }> {
    const { census } = this.services.store;
    const [state, entries] = await Promise.all([
      census.state(),
      census.search(query.trim(), SEARCH_LIMIT),
    ]);
    return { ...this.stateOf(state), entries };
  }

  /** A person's answer to a difference shown (see the contract's resolveHospitalDifference). */
  async resolve(
    input: RequestInput<'resolveHospitalDifference'>,
    actor: string,
  ): Promise<HospitalMatch> {
    const match = (await this.compare()).find((m) => m.patientId === input.patientId);
    if (!match) {
      throw new ApiError('not_found', 'That patient is not in a bed on this workstation now.');
    }
    const { hospital, ours } = match;
    if (hospital === null || hospital.seq !== input.hospitalSeq) {
      throw new ApiError(
        'conflict',
        `The hospital's record of MRN ${match.mrn} changed since it was shown: look at it again.`,
      );
    }
    if (ours.versionId !== input.versionId) {
      throw new ApiError(
        'conflict',
        `The details of MRN ${match.mrn} on this workstation changed since they were shown: look at them again.`,
      );
    }
    if (match.state === 'same') return match;
    const name = patientName({ ...ours, mrn: match.mrn });
    const at = this.services.now();
    if (input.choice === 'use-hospital') {
      const details = hospitalDetailsFor(ours, hospital);
      try {
        await this.services.admissions.recordDetails({
          patientId: match.patientId,
          versionId: ours.versionId,
          details,
          actor,
          atMs: at,
          detail: `MRN ${match.mrn}: ${describeDemographics(ours)} is now ${describeDemographics(details)}, the hospital's details (visit ${hospital.visitNumber ?? 'unknown'})`,
        });
      } catch (error) {
        if (error instanceof AdmissionError) throw new ApiError('invalid_request', error.message);
        throw error;
      }
    } else {
      await this.services.store.census.recordKeptOurs({
        patientId: match.patientId,
        versionId: ours.versionId,
        hospitalDetails: hospitalDetailsKey(hospital),
        actor,
        atMs: at,
        detail: `${name} in ${match.bedLabel}: kept this workstation's details (${describeDemographics(ours)}) rather than the hospital's (${hospitalWords(hospital)})`,
      });
    }
    const now = await this.compare();
    return now.find((m) => m.patientId === input.patientId) ?? match;
  }

  private stateOf(state: { asOfMs: number | null; patients: number }): HospitalListState {
    return { available: state.asOfMs !== null, asOfMs: state.asOfMs, patients: state.patients };
  }

  /** Every patient in a bed against the list; the listeners told when anything changed. */
  private async compare(): Promise<HospitalMatch[]> {
    const { store, beds } = this.services;
    const inBeds = [...beds.values()].flatMap((bed) =>
      bed.patient ? [{ bed, patient: bed.patient }] : [],
    );
    const places: PatientInBed[] = [];
    for (const { bed, patient } of inBeds) {
      const record = await store.findPatientByMrn(patient.mrn);
      if (record?.patient.id !== patient.id) continue;
      places.push({
        patientId: patient.id,
        bedId: bed.id,
        bedLabel: bed.label,
        ours: record.current,
      });
    }
    const [state, entries, kept] = await Promise.all([
      store.census.state(),
      store.census.byMrn(places.map((p) => p.ours.mrn)),
      store.census.readKeptOurs(places.map((p) => p.patientId)),
    ]);
    const byMrn = new Map(entries.map((e) => [censusMrnKey(e.mrn), e]));
    const keptBy = new Map(kept.map((k) => [k.patientId, k]));
    const matches = places.map((place) =>
      matchOf(
        place,
        byMrn.get(censusMrnKey(place.ours.mrn)) ?? null,
        keptBy.get(place.patientId) ?? null,
      ),
    );
    this.publish({ ...this.stateOf(state), matches });
    return matches;
  }

  private publish(event: HospitalListEvent): void {
    const json = JSON.stringify(event);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.last = event;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.services.log?.(`hospital list: a listener failed: ${String(error)}`);
      }
    }
  }
}
