// The sentence of an api refusal, to show a person next to what they tried.
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
