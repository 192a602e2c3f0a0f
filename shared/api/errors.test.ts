import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlarmLimits, LimitedParameter } from '../model/alarms';
import { requests } from './contract';
import { describeIssues } from './errors';

const describe_ = (method: keyof typeof requests, params: unknown) => {
  const parsed = requests[method].input.safeParse(params);
  if (parsed.success) throw new Error(`${method} accepted ${JSON.stringify(params)}`);
  return describeIssues(`${method} request`, parsed.error);
};

const patient = {
  familyName: 'Demo',
  givenName: 'Ada',
  mrn: 'DEMO-0001',
  birthDate: '1960-01-01',
  category: 'adult',
  bedId: 'bed-1',
};

describe('errors a person reads (issue 12, item 17)', () => {
  it('names a missing field as the form does, without the request or field names', () => {
    const { familyName: _omitted, ...withoutFamilyName } = patient;
    expect(describe_('admitPatient', withoutFamilyName)).toBe('Family name is required.');
    expect(describe_('admitPatient', { ...patient, familyName: 7 })).toBe(
      'Family name must be text.',
    );
    expect(describe_('admitPatient', { ...patient, category: 'giant' })).toBe(
      'Patient category must be one of: adult, paediatric, neonatal.',
    );
  });

  it("keeps the contract's own sentences as written", () => {
    expect(describe_('admitPatient', { ...patient, mrn: ' ' })).toBe(
      'The medical record number (MRN) is missing.',
    );
    expect(describe_('admitPatient', { ...patient, birthDate: '1.1.1960' })).toBe(
      'A date is written YYYY-MM-DD, for example 1984-03-21.',
    );
  });

  it('names each field once, in the order of the form', () => {
    expect(describe_('admitPatient', { bedId: 'bed-1', category: 'adult' })).toBe(
      'Family name is required. Given name is required. MRN is required. Date of birth is required.',
    );
  });

  it('words a limit by its parameter and edge', () => {
    const limits = { extremeLow: null, low: null, high: null, extremeHigh: null };
    const all = Object.fromEntries(LimitedParameter.options.map((p) => [p, limits]));
    const parsed = z
      .object({ limits: AlarmLimits })
      .safeParse({ limits: { ...all, hr: { ...limits, low: 'fifty' } } });
    expect(parsed.success).toBe(false);
    expect(describeIssues('setAlarmLimits request', parsed.error!)).toBe(
      'HR low limit must be a number.',
    );
  });

  it('keeps what only a program can get wrong technical, naming the request and the field', () => {
    expect(describe_('acknowledgeAlarm', { bedId: 7, alarmId: 'a' })).toBe(
      'Invalid acknowledgeAlarm request: bedId: Invalid input: expected string, received number',
    );
  });
});
