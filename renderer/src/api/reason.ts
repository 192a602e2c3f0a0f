// The sentence of an api refusal or failure, to show a person next to what they tried (the
// client's errors are ApiErrors whose message is written for a person).
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
