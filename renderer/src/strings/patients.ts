// The words of the patients view (part of strings.ts: every sentence a person reads, in one place).
export const patientsStrings = {
  title: 'Patients',
};
