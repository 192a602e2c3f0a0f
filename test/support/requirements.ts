// Tests that need something outside the repository (../shared/data, EDFlib, poppler): they run
// where it is; elsewhere they are skipped with the reason in their name, except in CI (CI=true),
// where .ci/run installs every tool and shared/ lies beside the clone, so a missing one fails the
// run with the reason instead of passing it silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export { REFERENCE_DATA, referenceData } from './reference-data';

const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI);

/** Why the files cannot be used (the first absent one and how to get it), or null when all exist. */
export function missingFiles(paths: readonly string[], howToGet: string): string | null {
  const absent = paths.filter((path) => !existsSync(path));
  if (absent.length === 0) return null;
  const more = absent.length > 1 ? ` (and ${absent.length - 1} more)` : '';
  return `${absent[0]}${more} is absent: ${howToGet}`;
}

/** Why the command cannot be run (not on the PATH, and how to get it), or null when it can. */
export function missingCommand(command: string, howToGet: string): string | null {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return null;
  } catch {
    return `${command} is not installed: ${howToGet}`;
  }
}

/** The first of several reasons, or null when there is none. */
export function firstMissing(...reasons: (string | null)[]): string | null {
  return reasons.find((reason) => reason !== null) ?? null;
}

/** `describe` that runs when nothing is missing, is skipped with the reason, and fails in CI. */
export function describeWhere(missing: string | null, name: string, body: () => void): void {
  if (missing === null) describe(name, body);
  else if (ci) describe(name, () => it('has what it needs in CI', () => failInCi(name, missing)));
  else describe.skip(`${name} (skipped: ${missing})`, body);
}

/** `it` that runs when nothing is missing, is skipped with the reason, and fails in CI. */
export function itWhere(
  missing: string | null,
  name: string,
  test: () => void | Promise<void>,
  timeoutMs?: number,
): void {
  if (missing === null) it(name, test, timeoutMs);
  else if (ci) it(name, () => failInCi(name, missing));
  else it.skip(`${name} (skipped: ${missing})`, test);
}

function failInCi(name: string, missing: string): never {
  throw new Error(`"${name}" cannot run in CI: ${missing}. CI must provide it (see .ci/run).`);
}

/** How to get what lies in ../shared/data. */
export const FROM_SHARED_DATA =
  'it comes with the reference folder ../shared (data/) laid beside the repository';
