// The store a workstation of 16 beds holds after 72 h, for the benches that start a workstation
// or open a store on it: a copy of the store-queries.ts strip store (72 h × 16 beds × 3 ECG leads
// 500 Hz, pleth 125 Hz, resp 62.5 Hz in packed rows of a minute, ~6 GB) as `<folder>/pgdata`, so
// the strip store itself stays as store-queries.ts built it. Made once, kept in the temp folder.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { START_MS, STRIP_HOURS, stripStore } from './store-queries';

export const FULL_STORE_BEDS = 16;
const HOUR_MS = 3_600_000;
export const FULL_STORE_END_MS = START_MS + STRIP_HOURS * HOUR_MS;
// Its times are fixed in the past: whatever opens it must prune nothing.
const FOREVER_MS = 100 * 365 * 24 * HOUR_MS;
export const KEEP_EVERYTHING = {
  waveformsMs: FOREVER_MS,
  trendsMs: FOREVER_MS,
  eventsMs: FOREVER_MS,
};

/** The workstation's data folder holding the copy (its store in `pgdata`), and how long it took. */
export async function fullStore(): Promise<{ dataDir: string; pgdata: string; madeS: number }> {
  const start = performance.now();
  const { dir } = await stripStore(FULL_STORE_BEDS);
  const dataDir = `${dir}-workstation`;
  if (!existsSync(join(dataDir, 'complete.json'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    cpSync(dir, join(dataDir, 'pgdata'), { recursive: true });
    writeFileSync(join(dataDir, 'complete.json'), JSON.stringify({ copyOf: dir }) + '\n');
  }
  return { dataDir, pgdata: join(dataDir, 'pgdata'), madeS: (performance.now() - start) / 1000 };
}
