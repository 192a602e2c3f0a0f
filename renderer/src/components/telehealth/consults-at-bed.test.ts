// What the bedside shows of a bed's remote consults: the strips and their order, the history, the
// notes, the minutes since and left, the words for them, and the consent rule behind Invite.
import { describe, expect, it } from 'vitest';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import { RemoteConsult as RemoteConsultSchema } from '../../../../shared/api/contract-telehealth';
import { END_REASON_WORDS } from '../../../../shared/telehealth/invitation';
import { duration, telehealthStrings } from '../../strings/telehealth';
import {
  NO_CONSENT,
  consentMissing,
  consentRequest,
  consultsAtBed,
  minutesLeft,
  minutesSince,
  stripOf,
} from './consults-at-bed';

const T0 = Date.UTC(2026, 11, 7, 10, 2);
let serial = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;

function consult(overrides: Partial<RemoteConsult> = {}): RemoteConsult {
  // Parsed by the contract's own schema, so a fixture the host could never send fails here.
  return RemoteConsultSchema.parse({
    id: uuid(),
    bedId: 'bed-1',
    patientId: 'patient-1',
    status: 'waiting',
    url: 'https://central.example/telehealth/#t=abc',
    code: '12345678',
    minutes: 30,
    createdAtMs: T0,
    expiresAtMs: T0 + 30 * 60_000,
    invitedBy: 'Nurse Example',
    consent: { givenBy: 'patient', representative: null, atMs: T0, recordedBy: 'Nurse Example' },
    viewer: null,
    endedAtMs: null,
    endReason: null,
    endedBy: null,
    notes: [],
    recordings: [],
    problem: null,
    checkedAtMs: null,
    ...overrides,
  });
}

const viewer = { name: 'Dr Remote', sinceMs: T0 + 60_000, connected: true };

describe('which strip a consult gets', () => {
  it('shows someone watching, an open invitation, one being made, and an ended one apart', () => {
    expect(stripOf(consult({ status: 'watching', viewer }))).toBe('watching');
    expect(stripOf(consult({ status: 'waiting' }))).toBe('waiting');
    expect(stripOf(consult({ status: 'starting', url: null, code: null }))).toBe('starting');
    expect(stripOf(consult({ status: 'ended', endReason: 'expired', endedAtMs: T0 }))).toBe(
      'ended',
    );
  });

  it('never claims someone is watching without saying who: a viewer-less "watching" waits', () => {
    expect(stripOf(consult({ status: 'watching', viewer: null }))).toBe('waiting');
  });

  it('puts someone watching first, then open invitations, oldest first; ended ones apart', () => {
    const waitingOld = consult({ status: 'waiting', createdAtMs: T0 });
    const waitingNew = consult({ status: 'waiting', createdAtMs: T0 + 5_000 });
    const starting = consult({ status: 'starting', url: null, code: null });
    const watching = consult({ status: 'watching', viewer, createdAtMs: T0 + 9_000 });
    const endedEarly = consult({ status: 'ended', endReason: 'expired', endedAtMs: T0 + 1 });
    const endedLate = consult({ status: 'ended', endReason: 'ended-at-bed', endedAtMs: T0 + 2 });
    const shown = consultsAtBed([
      endedEarly,
      waitingNew,
      starting,
      endedLate,
      waitingOld,
      watching,
    ]);
    expect(shown.current.map((c) => c.id)).toEqual([
      watching.id,
      waitingOld.id,
      waitingNew.id,
      starting.id,
    ]);
    expect(shown.ended.map((c) => c.id)).toEqual([endedLate.id, endedEarly.id]);
  });

  it('shows nothing for a bed without consults this stay', () => {
    expect(consultsAtBed([])).toEqual({ current: [], ended: [], notes: [] });
  });

  it('lists every note of the stay once, the latest first, ended consults included', () => {
    const a = consult({ status: 'ended', endReason: 'viewer-left', endedAtMs: T0 });
    const b = consult({ status: 'watching', viewer });
    const note = (id: string, invitationId: string, atMs: number, text: string) => ({
      id,
      invitationId,
      atMs,
      text,
      author: 'Dr Remote',
    });
    const first = note(uuid(), a.id, T0 + 1_000, 'Sinus rhythm.');
    const second = note(uuid(), b.id, T0 + 9_000, 'Repeat ECG in 1 h.');
    a.notes = [first];
    b.notes = [second, first];
    expect(consultsAtBed([a, b]).notes.map((n) => n.text)).toEqual([
      'Repeat ECG in 1 h.',
      'Sinus rhythm.',
    ]);
  });
});

describe('minutes since and left', () => {
  it('counts whole minutes watching, never negative (a viewer clock ahead of ours)', () => {
    expect(minutesSince(T0, T0 + 14 * 60_000 + 59_000)).toBe(14);
    expect(minutesSince(T0, T0 + 59_999)).toBe(0);
    expect(minutesSince(T0 + 5_000, T0)).toBe(0);
  });

  it('rounds the time left up: 1 min left until the very end, 0 only when it is up', () => {
    expect(minutesLeft(T0 + 30 * 60_000, T0)).toBe(30);
    expect(minutesLeft(T0 + 60_000, T0 + 1)).toBe(1);
    expect(minutesLeft(T0 + 60_000, T0 + 59_999)).toBe(1);
    expect(minutesLeft(T0 + 60_000, T0 + 60_000)).toBe(0);
    expect(minutesLeft(T0, T0 + 10 * 60_000)).toBe(0);
  });

  it('writes durations as a nurse reads them', () => {
    expect(duration(14)).toBe('14 min');
    expect(duration(0)).toBe('0 min');
    expect(duration(60)).toBe('1 h');
    expect(duration(65)).toBe('1 h 5 min');
    expect(duration(240)).toBe('4 h');
    expect(duration(-3)).toBe('0 min');
    expect(telehealthStrings.timeLeft(23)).toBe('23 min left');
    expect(telehealthStrings.timeLeft(0)).toBe('time is up, ending…');
  });

  it('says who is watching since when, on the 24-hour clock of the other screens', () => {
    const since = new Date(2026, 11, 7, 10, 2).getTime();
    expect(
      telehealthStrings.watching('Dr Remote', since, minutesSince(since, since + 14 * 60_000)),
    ).toBe('Remote consult: Dr Remote watching since 10:02 (14 min)');
  });

  it('says why an ended consult ended in the words the remote clinician also reads', () => {
    const ended = new Date(2026, 11, 7, 10, 40).getTime();
    expect(telehealthStrings.ended(ended, ended, 'Dr Remote')).toBe(
      'Remote consult with Dr Remote, ended 10:40:',
    );
    expect(END_REASON_WORDS['ended-at-bed']).toBe('The consult was ended at the bed.');
  });
});

describe('the consent Invite needs', () => {
  it('is refused until who gave it is said and it is ticked as given', () => {
    expect(consentMissing(NO_CONSENT)).toBe('givenBy');
    expect(consentMissing({ ...NO_CONSENT, confirmed: true })).toBe('givenBy');
    expect(consentMissing({ ...NO_CONSENT, givenBy: 'patient' })).toBe('confirmed');
    expect(consentRequest({ ...NO_CONSENT, givenBy: 'patient' })).toBeNull();
    expect(consentMissing({ ...NO_CONSENT, givenBy: 'patient', confirmed: true })).toBeNull();
    expect(consentRequest({ ...NO_CONSENT, givenBy: 'patient', confirmed: true })).toEqual({
      givenBy: 'patient',
    });
  });

  it('needs a representative named (blank or too long is not a name)', () => {
    const by = { givenBy: 'representative' as const, confirmed: true };
    expect(consentMissing({ ...by, representative: '' })).toBe('representative');
    expect(consentMissing({ ...by, representative: '   ' })).toBe('representative');
    expect(consentMissing({ ...by, representative: 'x'.repeat(201) })).toBe('representative');
    expect(consentRequest({ ...by, representative: '  Pat Example, daughter ' })).toEqual({
      givenBy: 'representative',
      representative: 'Pat Example, daughter',
    });
  });

  it('does not send a representative typed before the nurse switched back to the patient', () => {
    expect(
      consentRequest({ givenBy: 'patient', representative: 'Pat Example', confirmed: true }),
    ).toEqual({ givenBy: 'patient' });
  });

  it('says what is missing for each case', () => {
    for (const missing of ['givenBy', 'representative', 'confirmed'] as const) {
      expect(telehealthStrings.missing[missing]).toMatch(/to invite\.$/);
    }
  });
});
