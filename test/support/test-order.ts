// The order the suite runs its files in: the slowest first, so that the two workers end together
// instead of one finishing a two-minute file alone at the end. A fresh clone (CI) has no runner
// cache to sort by, so the times of the last full run are kept here, in test/support/
// test-durations.json (`node scripts/test-durations.js` writes it after `npm test`). A file not
// listed yet (a new one) counts as UNKNOWN_MS: new files are asked to be quick.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface TestDurations {
  /** Seconds per vitest file, by its path from the repository's root (forward slashes). */
  vitest: Record<string, number>;
  /** Seconds per Playwright spec file, by its path from the repository's root. */
  playwright: Record<string, number>;
}

const ROOT = join(import.meta.dirname, '..', '..');
const DURATIONS_FILE = join(import.meta.dirname, 'test-durations.json');
const UNKNOWN_S = 5;

/** The kept durations; none (every file unknown) when the file is missing or unreadable. */
export function keptDurations(file = DURATIONS_FILE): TestDurations {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<TestDurations>;
    return { vitest: parsed.vitest ?? {}, playwright: parsed.playwright ?? {} };
  } catch {
    return { vitest: {}, playwright: {} };
  }
}

/** A path from the repository's root with forward slashes, as the durations file keys them. */
export function repoPath(absoluteOrRelative: string): string {
  const path = absoluteOrRelative.startsWith(sep)
    ? relative(ROOT, absoluteOrRelative)
    : absoluteOrRelative;
  return path.split(sep).join('/');
}

/** `paths` slowest first by `seconds` (unknown ones as UNKNOWN_S); ties keep their name order. */
export function slowestFirst<T>(
  items: readonly T[],
  pathOf: (item: T) => string,
  seconds: Record<string, number>,
): T[] {
  const cost = (item: T) => seconds[repoPath(pathOf(item))] ?? UNKNOWN_S;
  return [...items].sort(
    (a, b) => cost(b) - cost(a) || repoPath(pathOf(a)).localeCompare(repoPath(pathOf(b))),
  );
}
