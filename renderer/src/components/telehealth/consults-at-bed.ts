// What the bedside shows of a bed's remote consults, decided without a browser: which consults get
// a strip (someone watching first, then open invitations), which are history (ended this stay), the
// stay's consult notes, the minutes since and left, and the consent an invitation needs before the
// Invite button works. Pure, so every choice is tested (consults-at-bed.test.ts).
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import type { ConsultNote } from '../../../../shared/telehealth/invitation';

/** The kinds of strip a consult gets at the bed. */
export type ConsultStrip = 'watching' | 'waiting' | 'starting' | 'ended';

/** The strip of one consult: a watching consult without its viewer (never sent) shows as waiting. */
export function stripOf(consult: RemoteConsult): ConsultStrip {
  if (consult.status === 'watching') return consult.viewer ? 'watching' : 'waiting';
  return consult.status;
}

const STRIP_ORDER: Record<ConsultStrip, number> = {
  watching: 0,
  waiting: 1,
  starting: 2,
  ended: 3,
};

export interface ConsultsAtBed {
  /** Current consults, someone watching first, then open and starting invitations, oldest first. */
  current: RemoteConsult[];
  /** Ended this stay, the latest first: a small history line each. */
  ended: RemoteConsult[];
  /** Every note of the stay's consults, the latest first. */
  notes: ConsultNote[];
}

export function consultsAtBed(consults: readonly RemoteConsult[]): ConsultsAtBed {
  const current = consults
    .filter((c) => stripOf(c) !== 'ended')
    .sort(
      (a, b) => STRIP_ORDER[stripOf(a)] - STRIP_ORDER[stripOf(b)] || a.createdAtMs - b.createdAtMs,
    );
  const ended = consults
    .filter((c) => stripOf(c) === 'ended')
    .sort((a, b) => (b.endedAtMs ?? b.createdAtMs) - (a.endedAtMs ?? a.createdAtMs));
  // A note is listed once even if the host were to send it in two consults' lists.
  const byId = new Map<string, ConsultNote>();
  for (const consult of consults) for (const note of consult.notes) byId.set(note.id, note);
  const notes = [...byId.values()].sort((a, b) => b.atMs - a.atMs);
  return { current, ended, notes };
}

/** Whole minutes since `sinceMs` ("watching since 10:02 (14 min)"): never negative. */
export function minutesSince(sinceMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - sinceMs) / 60_000));
}

/**
 * Minutes left before `expiresAtMs`, rounded up so that "1 min left" shows until the very end and
 * 0 only once the time is up.
 */
export function minutesLeft(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((expiresAtMs - nowMs) / 60_000));
}

/** The consent as the nurse fills it in the invitation dialog. */
export interface ConsentForm {
  /** Null until the nurse says who gave it: never assumed. */
  givenBy: 'patient' | 'representative' | null;
  /** The representative's name and relation ("Pat Example, daughter"). */
  representative: string;
  /** "Consent to this remote consult was given", ticked by the nurse. */
  confirmed: boolean;
}

export const NO_CONSENT: ConsentForm = { givenBy: null, representative: '', confirmed: false };

/** What is still missing from the consent, or null when an invitation may be made with it. */
export type ConsentMissing = 'givenBy' | 'representative' | 'confirmed';

export function consentMissing(form: ConsentForm): ConsentMissing | null {
  if (form.givenBy === null) return 'givenBy';
  if (form.givenBy === 'representative') {
    const name = form.representative.trim();
    if (name.length === 0 || name.length > 200) return 'representative';
  }
  if (!form.confirmed) return 'confirmed';
  return null;
}

/** The consent as the inviteRemoteClinician request takes it, or null while anything is missing. */
export function consentRequest(
  form: ConsentForm,
): { givenBy: 'patient' } | { givenBy: 'representative'; representative: string } | null {
  if (consentMissing(form) !== null) return null;
  return form.givenBy === 'representative'
    ? { givenBy: 'representative', representative: form.representative.trim() }
    : { givenBy: 'patient' };
}
