// Whether a newly installed version starts: each start is recorded in <dataDir>/update-starts.json
// and marked healthy once the workstation has run long enough. A start that never got there and
// was followed by another start failed (a crash, a hang, a power cut mid-start). When a version
// that has never run healthily here fails to start twice, the status line says so and names the
// last version that did, so IT can reinstall it. The record is advisory: a damaged file is a
// warning and a fresh record, never a reason not to start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SEMVER } from '../../../shared/update/release';
import { makePrivateDir, writeFileDurably } from '../store/private-files';

export const START_RECORD_FILE = 'update-starts.json';
/** Running this long counts as a good start: past the store's opening and the first sync. */
export const HEALTHY_AFTER_MS = 120_000;
/** Enough history to find the last healthy version behind a run of failures. */
const KEPT_ATTEMPTS = 20;

const Attempt = z.strictObject({
  version: z.string().regex(SEMVER),
  startedAtMs: z.number().int().nonnegative(),
  // 'running' until it is healthy or quits cleanly; still 'running' at the next start: it failed.
  outcome: z.enum(['running', 'healthy', 'clean-exit']),
});
type Attempt = z.infer<typeof Attempt>;
const RecordFile = z.strictObject({ format: z.literal(1), attempts: z.array(Attempt) });

export interface FailedStart {
  version: string;
  failures: number;
  /** The last version that ran healthily here; null if none is on record. */
  previousHealthy: string | null;
  /** For the status line. */
  message: string;
}

export interface StartRecordOptions {
  dataDir: string;
  now(): number;
  warn(message: string): void;
  healthyAfterMs?: number;
}

export interface StartRecord {
  /** Records that `version` is starting. Call once, as early as the data folder is known. */
  started(version: string): void;
  /** Marks this start healthy once it has run long enough; true when it did so now. */
  markHealthyIfDue(): boolean;
  /** A quit before it was healthy is not a failed start. */
  cleanExit(): void;
  /** The version this workstation runs has failed to start twice or more; null otherwise. */
  failedStarts(): FailedStart | null;
}

export function openStartRecord(options: StartRecordOptions): StartRecord {
  const file = join(options.dataDir, START_RECORD_FILE);
  const healthyAfterMs = options.healthyAfterMs ?? HEALTHY_AFTER_MS;
  const attempts = readAttempts(file, options.warn);
  let current: Attempt | null = null;

  const save = () => {
    try {
      makePrivateDir(options.dataDir);
      const kept = attempts.slice(-KEPT_ATTEMPTS);
      writeFileDurably(file, `${JSON.stringify({ format: 1, attempts: kept }, null, 2)}\n`);
    } catch (error) {
      options.warn(
        `Could not save the record of update starts (${file}): ${messageOf(error)}. Failed starts after an update may go unnoticed; check the disk.`,
      );
    }
  };

  return {
    started(version) {
      current = { version, startedAtMs: options.now(), outcome: 'running' };
      attempts.push(current);
      save();
    },
    markHealthyIfDue() {
      if (current?.outcome !== 'running') return false;
      if (options.now() - current.startedAtMs < healthyAfterMs) return false;
      current.outcome = 'healthy';
      save();
      return true;
    },
    cleanExit() {
      if (current?.outcome !== 'running') return;
      current.outcome = 'clean-exit';
      save();
    },
    failedStarts() {
      const before = current ? attempts.slice(0, attempts.lastIndexOf(current)) : attempts;
      const version = current?.version ?? before.at(-1)?.version;
      if (version === undefined) return null;
      // A version that has run healthily here is not one an update broke.
      if (attempts.some((a) => a.version === version && a.outcome === 'healthy')) return null;
      let failures = 0;
      for (let i = before.length - 1; i >= 0; i--) {
        const attempt = before[i]!;
        if (attempt.version !== version || attempt.outcome !== 'running') break;
        failures += 1;
      }
      if (failures < 2) return null;
      const previousHealthy =
        attempts.findLast((a) => a.outcome === 'healthy' && a.version !== version)?.version ?? null;
      const times = failures === 2 ? 'twice' : `${failures} times`;
      const message = previousHealthy
        ? `Version ${version} failed to start ${times} — IT can reinstall ${previousHealthy}`
        : `Version ${version} failed to start ${times} — IT can reinstall the version used before it`;
      return { version, failures, previousHealthy, message };
    },
  };
}

function readAttempts(file: string, warn: (message: string) => void): Attempt[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = RecordFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data.attempts;
    warn(
      `The record of update starts (${file}) is not in the expected form (${parsed.error.issues[0]?.message ?? 'unknown'}); starting a fresh one.`,
    );
  } catch (error) {
    warn(
      `The record of update starts (${file}) could not be read (${messageOf(error)}); starting a fresh one.`,
    );
  }
  return [];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
