// NEWS2 at every bed, continuously: scored from the bed's latest monitored vitals and what the
// nurse recorded for the patient's stay (air or oxygen, ACVPU, a temperature by hand, the SpO₂
// scale the clinician chose), as the Royal College of Physicians' 2017 chart scores it
// (shared/model/news2.ts). A vital not measured recently is missing, never normal.
//
// - Who owns what: the score is the patient's in the bed (an empty bed has none), from the bed's
//   vitals measured since that patient came into it (an earlier reading was someone else's). The
//   nurse's observations belong to the patient's stay (kept with the patient's id, read back since
//   their latest admission), so a transfer carries them and the next patient starts with none.
// - Every screen gets the bed's score (a `news2` live event, and in the bed's snapshot) when its
//   scores, band or missing parameters change, and its values at most every VALUES_EVERY_MS.
// - A complete score is kept as a computed numeric (`NEWS2`) when it changes and at least once a
//   minute, so it has a trend and reaches the central server; an incomplete one is not (a lower
//   bound on a trend would read as the score).
// - The urgent band (5–6) is a medium-priority alarm, the emergency band (7+) a high-priority one,
//   naming what scored (alarms/conditions.ts news2Condition).
import type {
  News2Observation,
  News2Parameter,
  News2Recorded,
  News2Status,
} from '../../../shared/model/news2';
import {
  NEWS2_SHORT_NAMES,
  NOTHING_RECORDED,
  news2InputsFrom,
  withObservation,
  scoreNews2,
  type LatestVital,
} from '../../../shared/model/news2';
import type { BedState } from '../beds';
import type { Bus } from '../bus';
import type { Store } from '../store/client';
import type { News2Alarming, SignalKind } from '../alarms/conditions';

/** The refId a complete score is kept under (no MDC code names NEWS2). */
export const NEWS2_REF_ID = 'NEWS2';
export const NEWS2_DEVICE_ID = 'workstation:news2';
/** A score's values (not its scores) are sent again at most this often. */
export const VALUES_EVERY_MS = 10_000;
/** A complete score is kept at least this often while it lasts. */
export const KEEP_EVERY_MS = 60_000;

export class News2Error extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'not_found' = 'refused',
  ) {
    super(message);
  }
}

export interface News2Services {
  beds: ReadonlyMap<string, BedState>;
  store: Pick<
    Store,
    'recordNews2Observation' | 'readNews2Recorded' | 'recordAuditEvent' | 'appendNumeric'
  >;
  bus: Bus;
  now(): number;
  log(message: string): void;
}

/** What was last sent for a bed (the status itself is the bed's: `BedState.news2`). */
interface Shown {
  /** Scores, band, missing, recorded: a change is sent at once. */
  scoresKey: string;
  valuesKey: string;
  sentAtMs: number;
  keptAtMs: number;
  keptTotal: number | null;
}

export class News2Monitor {
  /** What was recorded for each patient's current stay (patient id →). */
  private readonly recorded = new Map<string, News2Recorded>();
  /** Which patient each bed's score was last made for. */
  private readonly patientOf = new Map<string, string | null>();
  /** Since when that patient is in the bed, as first seen there: older vitals were someone else's. */
  private readonly inBedSince = new Map<string, number>();
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly services: News2Services) {}

  /** At start, and whenever a bed's patient changes: what was recorded for their stay. */
  async load(patientIds: string[]): Promise<void> {
    if (patientIds.length === 0) return;
    const read = await this.services.store.readNews2Recorded(patientIds);
    // What was recorded while reading is newer than what was read.
    for (const id of patientIds) {
      if (!this.recorded.has(id)) this.recorded.set(id, read[id] ?? NOTHING_RECORDED);
    }
  }

  /** The bed's score now, as last sent (null: nothing to score). */
  status(bedId: string): News2Status | null {
    return this.services.beds.get(bedId)?.news2 ?? null;
  }

  /**
   * Scores the bed now; sends and alarms what changed. A new patient in the bed starts from what
   * their stay has recorded (read from the store; nothing meanwhile).
   */
  rescore(bed: BedState, nowMs: number): void {
    const patientId = bed.patient?.id ?? null;
    const previous = this.patientOf.get(bed.id);
    if (previous !== patientId) {
      // What a patient's stay recorded is forgotten when they leave every bed (a discharge), so a
      // patient admitted again starts from the store's (nothing, for a new stay); one brought
      // from another bed keeps it.
      this.patientOf.set(bed.id, patientId);
      // From when the patient came into the bed, not from this tick: a reading that arrived
      // between the admission and the next tick (a blood pressure taken at once) is theirs.
      this.inBedSince.set(bed.id, Math.min(nowMs, bed.patientSinceMs ?? nowMs));
      if (previous && !this.inAnyBed(previous)) this.recorded.delete(previous);
      if (patientId !== null && !this.recorded.has(patientId)) {
        this.load([patientId])
          .then(() => this.rescore(bed, this.services.now()))
          .catch((error: unknown) =>
            this.services.log(
              `NEWS2: the observations of ${bed.label} could not be read: ${String(error)}`,
            ),
          );
      }
    }
    const status = this.score(bed, nowMs);
    const before = this.shown.get(bed.id);
    const scoresKey = status ? keyOf(status, false) : '';
    const changed = !before || before.scoresKey !== scoresKey;
    // The values are compared only when they could be sent (every VALUES_EVERY_MS at most).
    const due = changed || nowMs - before.sentAtMs >= VALUES_EVERY_MS;
    const valuesKey = due && status ? keyOf(status, true) : (before?.valuesKey ?? '');
    const refresh = !changed && due && before.valuesKey !== valuesKey;
    const shown: Shown = before ?? {
      scoresKey: '',
      valuesKey: '',
      sentAtMs: 0,
      keptAtMs: 0,
      keptTotal: null,
    };
    if (changed || refresh) {
      Object.assign(shown, { scoresKey, valuesKey, sentAtMs: nowMs });
      bed.news2 = status;
      this.shown.set(bed.id, shown);
      this.services.bus.emit('news2', { bedId: bed.id, news2: status });
    }
    // Every time: the alarm's value and words follow the score, and a new stay's alarm system
    // (which ended the last patient's alarms) hears it again.
    bed.alarms.observeNews2(status ? alarming(status) : null, nowMs);
    bed.publishAlarms(this.services.bus);
    this.keep(bed, status, shown, nowMs);
  }

  private inAnyBed(patientId: string): boolean {
    for (const bed of this.services.beds.values()) if (bed.patient?.id === patientId) return true;
    return false;
  }

  /** Records what the nurse observed for the patient in the bed; answers the new score. */
  async record(bedId: string, observation: News2Observation, actor: string): Promise<News2Status> {
    const bed = this.services.beds.get(bedId);
    if (!bed) throw new News2Error(`There is no bed "${bedId}" on this workstation.`, 'not_found');
    const patient = bed.patient;
    if (!patient) {
      throw new News2Error(
        `${bed.label} has no patient: admit the patient before recording observations, so they are kept with their stay.`,
      );
    }
    const atMs = this.services.now();
    await this.services.store.recordNews2Observation({
      ...observation,
      bedId,
      patientId: patient.id,
      actor,
      atMs,
    });
    // The patient may have left the bed meanwhile: what was recorded stays theirs.
    const before = this.recorded.get(patient.id) ?? NOTHING_RECORDED;
    this.recorded.set(patient.id, withObservation(before, observation, actor, atMs));
    await this.services.store
      .recordAuditEvent({
        atMs,
        actor,
        action: 'news2-observation-recorded',
        subject: patient.id,
        detail: `${describeObservation(observation)} at ${bed.label}`,
      })
      .catch((error: unknown) =>
        this.services.log(`NEWS2: the audit event could not be kept: ${String(error)}`),
      );
    if (bed.patient?.id === patient.id) this.rescore(bed, this.services.now());
    const status = this.status(bedId);
    if (!status) throw new News2Error(`${bed.label} has no score yet.`);
    return status;
  }

  private score(bed: BedState, nowMs: number): News2Status | null {
    const patientId = bed.patient?.id ?? null;
    // A score is a patient's: an empty bed has none, whatever its devices still show.
    if (patientId === null) return null;
    const recorded = this.recorded.get(patientId) ?? NOTHING_RECORDED;
    const since = this.inBedSince.get(bed.id) ?? nowMs;
    const latest = new Map<string, LatestVital>();
    for (const [refId, numeric] of bed.numerics) {
      // A reading taken before the patient came into the bed (the last patient's pressure) is not
      // theirs.
      if (numeric.at >= since) latest.set(refId, { value: numeric.value, atMs: numeric.at });
    }
    const spo2Scale = recorded.spo2Scale?.value ?? 1;
    const result = scoreNews2(
      news2InputsFrom(
        latest,
        {
          spo2Scale,
          onOxygen: recorded.onOxygen,
          consciousness: recorded.consciousness,
          temperature: recorded.temperature,
        },
        nowMs,
      ),
    );
    return { atMs: nowMs, ...result, spo2Scale, recorded };
  }

  /** A complete score is kept when it changes and once a minute; an incomplete one never. */
  private keep(bed: BedState, status: News2Status | null, shown: Shown, nowMs: number): void {
    const total = status?.total ?? null;
    if (total === null) {
      shown.keptTotal = null;
      return;
    }
    if (total === shown.keptTotal && nowMs - shown.keptAtMs < KEEP_EVERY_MS) return;
    shown.keptTotal = total;
    shown.keptAtMs = nowMs;
    this.services.store.appendNumeric({
      bedId: bed.id,
      deviceId: NEWS2_DEVICE_ID,
      refId: NEWS2_REF_ID,
      value: total,
      unit: '{score}',
      at: nowMs,
    });
  }
}

function keyOf(status: News2Status, withValues: boolean): string {
  return JSON.stringify([
    status.band,
    status.atLeast,
    status.complete,
    status.missing,
    status.spo2Scale,
    status.recorded,
    status.parts.map((p) =>
      withValues ? [p.parameter, p.score, p.value] : [p.parameter, p.score],
    ),
  ]);
}

/** The score as an alarm when it is in its urgent or emergency band; null below. */
export function alarming(status: News2Status): News2Alarming | null {
  if (status.atLeast < 5) return null;
  const scoring = status.parts.filter((p) => p.score > 0).sort((a, b) => b.score - a.score);
  const contributors = scoring
    .map((p) => `${NEWS2_SHORT_NAMES[p.parameter]} ${shownValue(p.value)} (${p.score})`)
    .join(', ');
  const signals = scoring.flatMap((p) => SIGNAL_OF[p.parameter] ?? []);
  return { atLeast: status.atLeast, complete: status.complete, contributors, signals };
}

/** The waveform each monitored vital is measured from (the pulse: the ECG's heart rate). */
const SIGNAL_OF: Partial<Record<News2Parameter, SignalKind[]>> = {
  respirationRate: ['resp'],
  spo2: ['pleth'],
  pulse: ['ecg'],
};

function shownValue(value: number | boolean | string): string {
  if (value === true) return 'on oxygen';
  if (value === false) return 'air';
  return String(value);
}

function describeObservation(o: News2Observation): string {
  const parts: string[] = [];
  if (o.spo2Scale !== undefined) parts.push(`SpO₂ scale ${o.spo2Scale}`);
  if (o.onOxygen !== undefined) parts.push(o.onOxygen ? 'on oxygen' : 'on air');
  if (o.consciousness !== undefined) parts.push(`ACVPU ${o.consciousness}`);
  if (o.temperature !== undefined) parts.push(`temperature ${o.temperature.toFixed(1)} °C`);
  return parts.join(', ');
}
