// A patient's age from their date of birth, in the unit a clinician uses for it: days for the
// first month, months until two years, then years. Calendar arithmetic, in local time.

export type AgeUnit = 'years' | 'months' | 'days';

export interface Age {
  value: number;
  unit: AgeUnit;
}

/** The age on `today` of someone born on `birthDate` (YYYY-MM-DD); null for a bad date. */
export function ageOn(birthDate: string, today: Date): Age | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  let months = (today.getFullYear() - year) * 12 + (today.getMonth() + 1 - month);
  if (today.getDate() < day) months -= 1;
  if (months < 0) return null;
  if (months >= 24) return { value: Math.floor(months / 12), unit: 'years' };
  if (months >= 1) return { value: months, unit: 'months' };
  const born = new Date(year, month - 1, day);
  const midnight = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  return { value: Math.round((midnight.getTime() - born.getTime()) / 86_400_000), unit: 'days' };
}
