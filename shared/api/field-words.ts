// The fields a person fills in, named as the form names them, so a refused request reads
// "Family name is required" rather than "familyName: Too small". Fields only programs fill in
// (ids, times) are not here: their errors stay technical, for the log and for a bug report.
import type { z } from 'zod';

const FIELD_WORDS: Readonly<Record<string, string>> = {
  familyName: 'Family name',
  givenName: 'Given name',
  mrn: 'MRN',
  birthDate: 'Date of birth',
  category: 'Patient category',
  bedLabel: 'Bed name',
  reason: 'Reason',
  label: 'Label',
  query: 'Search text',
  seconds: 'Seconds',
  driver: 'Device type',
  path: 'Port',
  site: 'Site',
};

const LIMITED_PARAMETER_WORDS: Readonly<Record<string, string>> = {
  hr: 'HR',
  pr: 'PR',
  spo2: 'SpO₂',
  rr: 'RR',
  nibpSys: 'NIBP sys',
  nibpDia: 'NIBP dia',
  nibpMean: 'NIBP mean',
  temp: 'Temp',
};

const LIMIT_WORDS: Readonly<Record<string, string>> = {
  extremeLow: 'extreme low limit',
  low: 'low limit',
  high: 'high limit',
  extremeHigh: 'extreme high limit',
};

/** The field as a person knows it, or null when a program, not a person, fills it in. */
export function fieldWords(path: readonly PropertyKey[]): string | null {
  const keys = path.map(String);
  const limits = keys.indexOf('limits');
  if (limits >= 0) {
    const parameter = LIMITED_PARAMETER_WORDS[keys[limits + 1] ?? ''];
    const edge = LIMIT_WORDS[keys[limits + 2] ?? ''];
    if (parameter) return edge ? `${parameter} ${edge}` : `${parameter} limits`;
  }
  return FIELD_WORDS[keys[keys.length - 1] ?? ''] ?? null;
}

type Issue = z.core.$ZodIssue;

/** One sentence about a field a person filled in, from a schema's built-in check. */
export function fieldSentence(field: string, issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return `${field} is required.`;
      if (issue.expected === 'number') return `${field} must be a number.`;
      if (issue.expected === 'string') return `${field} must be text.`;
      return `${field} is not valid.`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? `${field} is required.`
          : `${field} must be at least ${issue.minimum} characters.`;
      }
      return `${field} must be at least ${issue.minimum}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${field} must be at most ${issue.maximum} characters.`
        : `${field} must be at most ${issue.maximum}.`;
    case 'invalid_value':
      return `${field} must be one of: ${issue.values.map(String).join(', ')}.`;
    default:
      return `${field} is not valid.`;
  }
}
