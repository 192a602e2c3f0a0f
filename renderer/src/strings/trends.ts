// The words of the trends view (part of strings.ts: every sentence a person reads, in one place).
export const trendsStrings = {
  title: 'Trends',
};
