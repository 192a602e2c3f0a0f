// What each ADT event does to a census entry, pure: every event from every state, and an event for
// an MRN not known yet.
import { describe, expect, it } from 'vitest';
import type { AdtEvent, AdtMessage } from '../hl7/adt-message';
import { applyAdtEvent } from './census-state';
import type { CensusRecord } from './census-state';

const T0 = Date.UTC(2026, 11, 6, 8);

function adt(event: AdtEvent, over: Partial<AdtMessage> = {}): AdtMessage {
  return {
    header: {
      sendingApplication: ['ENG'],
      sendingFacility: ['GH'],
      receivingApplication: [],
      receivingFacility: [],
      controlId: 'C',
      trigger: event,
      processingId: 'P',
      version: '2.5',
    },
    sender: 'ENG^GH',
    controlId: 'C',
    event,
    recordedAtMs: T0,
    occurredAtMs: null,
    patient: {
      mrn: 'TEST-1',
      familyName: undefined,
      givenName: undefined,
      birthDate: undefined,
      sex: undefined,
    },
    visit: {
      patientClass: undefined,
      location: undefined,
      visitNumber: undefined,
      admittedAtMs: undefined,
      dischargedAtMs: undefined,
    },
    ...over,
  };
}

const bed = { unit: 'ICU', room: '1', bed: 'A', facility: null };

const admitted: CensusRecord = {
  mrn: 'TEST-1',
  familyName: 'Testpatient',
  givenName: 'Jane',
  birthDate: '1970-01-01',
  sex: 'F',
  status: 'admitted',
  visitNumber: 'V1',
  location: bed,
  admittedAtMs: T0 - 3_600_000,
  dischargedAtMs: null,
  lastEvent: 'A01',
};

describe('census state', () => {
  it('A01 admits: location, visit, admit time from PV1-44 else the event time', () => {
    const { next, created } = applyAdtEvent(
      null,
      adt('A01', {
        visit: { ...adt('A01').visit, location: bed, visitNumber: 'V1' },
      }),
    );
    expect(created).toBe(true);
    expect(next).toMatchObject({
      status: 'admitted',
      location: bed,
      visitNumber: 'V1',
      admittedAtMs: T0,
    });
  });

  it('A02 moves, keeping the admit time', () => {
    const to = { ...bed, room: '2' };
    const { next } = applyAdtEvent(
      admitted,
      adt('A02', { visit: { ...adt('A02').visit, location: to } }),
    );
    expect(next).toMatchObject({
      status: 'admitted',
      location: to,
      admittedAtMs: admitted.admittedAtMs,
    });
  });

  it('A03 discharges at PV1-45, else EVN-6, else EVN-2', () => {
    expect(applyAdtEvent(admitted, adt('A03')).next).toMatchObject({
      status: 'discharged',
      dischargedAtMs: T0,
      location: bed,
    });
    expect(applyAdtEvent(admitted, adt('A03', { occurredAtMs: T0 - 5 })).next.dischargedAtMs).toBe(
      T0 - 5,
    );
  });

  it('A04 registers, but does not end an admission', () => {
    const { next, outcome } = applyAdtEvent(
      admitted,
      adt('A04', { patient: { ...adt('A04').patient, givenName: 'Janet' } }),
    );
    expect(next).toMatchObject({ status: 'admitted', givenName: 'Janet', location: bed });
    expect(outcome).toMatch(/demographics only/);
    const discharged = { ...admitted, status: 'discharged' as const, dischargedAtMs: T0 };
    expect(applyAdtEvent(discharged, adt('A04')).next).toMatchObject({
      status: 'registered',
      dischargedAtMs: null,
    });
  });

  it('A08 updates, "" clears, empty keeps', () => {
    const { next } = applyAdtEvent(
      admitted,
      adt('A08', {
        patient: { ...adt('A08').patient, familyName: 'Renamed', birthDate: null },
      }),
    );
    expect(next).toMatchObject({
      status: 'admitted',
      familyName: 'Renamed',
      givenName: 'Jane',
      birthDate: null,
      location: bed,
    });
  });

  it('A11 cancels the admission; A13 cancels the discharge', () => {
    expect(applyAdtEvent(admitted, adt('A11')).next).toMatchObject({
      status: 'registered',
      location: null,
      visitNumber: null,
      admittedAtMs: null,
    });
    const discharged = { ...admitted, status: 'discharged' as const, dischargedAtMs: T0 };
    expect(applyAdtEvent(discharged, adt('A13')).next).toMatchObject({
      status: 'admitted',
      dischargedAtMs: null,
      location: bed,
    });
  });

  it.each([
    ['A01', 'admitted'],
    ['A02', 'admitted'],
    ['A03', 'discharged'],
    ['A04', 'registered'],
    ['A08', 'registered'],
    ['A11', 'registered'],
    ['A13', 'admitted'],
  ] as const)('%s for an MRN not known creates it %s', (event, status) => {
    const { next, created, outcome } = applyAdtEvent(null, adt(event));
    expect(created).toBe(true);
    expect(next.status).toBe(status);
    expect(outcome).toMatch(/new to the census/);
  });

  it('applies an event that does not fit the state, and says so', () => {
    const { next, outcome } = applyAdtEvent(admitted, adt('A13'));
    expect(next.status).toBe('admitted');
    expect(outcome).toMatch(/discharge cancelled for a patient who was admitted/);
  });
});
