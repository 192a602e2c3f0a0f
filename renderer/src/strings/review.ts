// The words of the review view (part of strings.ts: every sentence a person reads, in one place).
export const reviewStrings = {
  title: 'Review',
};
