// The words of the central view (part of strings.ts: every sentence a person reads, in one place).
export const centralStrings = {
  title: 'Central',
};
