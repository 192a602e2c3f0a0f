// The words of the strips view (part of strings.ts: every sentence a person reads, in one place).
export const stripsStrings = {
  title: 'Strips',
};
