// The workstation's hybrid logical clock (shared/sync/hlc.ts), in the store worker: it stamps
// every version of a mutable fact written here (patients, admissions, alarm settings) and takes
// in the stamps of versions pulled from the server. It starts from the newest stamp the store
// holds, so that it never goes back across a restart, even when the wall clock did.
import type { PGlite } from '@electric-sql/pglite';
import { HlcError, HybridClock, isHlc, parseHlc } from '../../../shared/sync/hlc';

/** Tables whose rows carry a stamp (shared/sync/tables.ts VERSIONED_TABLES). */
const STAMPED_TABLES = ['patients', 'admissions', 'alarm_settings'] as const;

/** The newest stamp in the store, by the stamps' own order (byte order, not a locale's). */
export async function newestStamp(db: Pick<PGlite, 'query'>): Promise<string | null> {
  const { rows } = await db.query<{ hlc: string | null }>(
    `SELECT max(hlc COLLATE "C") AS hlc FROM (
       ${STAMPED_TABLES.map((t) => `SELECT max(hlc COLLATE "C") AS hlc FROM ${t}`).join(' UNION ALL ')}
     ) s`,
  );
  return rows[0]?.hlc ?? null;
}

/**
 * The clock of this workstation, restored from the store. A stored stamp far ahead of the wall
 * clock (the clock was set back by more than a day) is still honoured: the clock then runs from
 * that stamp on, and `problem` says so for the log.
 */
export async function restoreClock(
  db: Pick<PGlite, 'query'>,
  node: string,
  now: () => number = Date.now,
): Promise<{ clock: HybridClock; problem: string | null }> {
  const stamp = await newestStamp(db);
  const clock = new HybridClock(node, now);
  if (stamp === null || !isHlc(stamp)) return { clock, problem: null };
  try {
    clock.receive(stamp);
    return { clock, problem: null };
  } catch (error) {
    if (!(error instanceof HlcError)) throw error;
    const floorMs = parseHlc(stamp).wallMs;
    const held = new HybridClock(node, () => Math.max(now(), floorMs));
    held.receive(stamp);
    return {
      clock: held,
      problem:
        `The store's newest version stamp (${stamp}) is ahead of this computer's clock: ` +
        `versions are stamped after it (${error.message}). Check the clock.`,
    };
  }
}
