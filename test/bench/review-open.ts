// Opening a 10 s strip anywhere in 72 h of full-disclosure review, as a clinician does: the
// browser shell's review route `#/bed/<id>/review?at=<ms>` in Debian's Chromium, timed from the
// navigation to the review canvas marking that window drawn (data-drawn-at). The store holds
// 72 h of one ECG channel at 500 Hz in 2 s chunks, written with SQL (one synthetic compressed
// chunk repeated, as store-queries.ts builds its strip store): 129 600 rows in seconds, where
// ingesting 130 M samples through the live path would take many minutes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations } from '../../electron/host/store/migrations/index';
import { encodeStoredChunk, WAVEFORM_ENCODING } from '../../electron/host/store/waveform-codec';
import { startBrowserRig } from './browser-rig';
import { median, quantile, round } from './stats';

const HOURS = 72;
const CHUNK_MS = 2000;
const RATE_HZ = 500;
const CHANNEL = 'MDC_ECG_ELEC_POTL_II';
const BED_LABEL = 'Bed 1';
const BED_ID = 'bed-1';
const OPENS = 20;

export interface ReviewOpenResult {
  bench: string;
  what: string;
  unit: 'ms';
  median: number;
  p95: number;
  opens: number[];
  seedS: number;
}

/** 72 h ending at endMs of one ECG channel on BED_ID, with its scale (mV per count). */
async function seedStore(pgdata: string, endMs: number): Promise<void> {
  const db = await PGlite.create(pgdata);
  try {
    await applyMigrations(db, migrations);
    const count = (CHUNK_MS * RATE_HZ) / 1000;
    const values = Int32Array.from({ length: count }, (_, i) => ecgCounts(i / RATE_HZ));
    const startMs = endMs - HOURS * 3_600_000;
    const data = encodeStoredChunk({ channel: CHANNEL, rateHz: RATE_HZ, t0Ms: startMs }, values);
    await db.exec('ALTER TABLE waveform_chunks DISABLE TRIGGER waveform_chunks_sync');
    const chunksPerHour = 3_600_000 / CHUNK_MS;
    for (let hour = 0; hour < HOURS; hour++) {
      await db.query(
        `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz,
           t0_ms, sample_count, encoding, data)
         SELECT lpad(to_hex(k), 32, '0')::uuid, 'bench', $2, 'bench-ecg', $3, $4,
                $5::bigint + k::bigint * ${CHUNK_MS}, $6, '${WAVEFORM_ENCODING}', $7
         FROM generate_series($1::int, $1::int + ${chunksPerHour - 1}) AS k`,
        [hour * chunksPerHour, BED_ID, CHANNEL, RATE_HZ, startMs, count, data],
      );
    }
    await db.exec('ALTER TABLE waveform_chunks ENABLE TRIGGER waveform_chunks_sync');
    await db.query(
      `INSERT INTO channels (id, workstation_id, bed_id, device_id, channel, label, unit, rate_hz, scale)
       VALUES (gen_random_uuid(), 'bench', $1, 'bench-ecg', $2, 'II', 'mV', $3, 0.005)`,
      [BED_ID, CHANNEL, RATE_HZ],
    );
    await db.exec('VACUUM ANALYZE waveform_chunks');
  } finally {
    await db.close();
  }
}

export async function reviewOpenBench(): Promise<ReviewOpenResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-review-'));
  const seedStart = performance.now();
  const endMs = Date.now();
  mkdirSync(join(dir, 'data'), { recursive: true });
  await seedStore(join(dir, 'data', 'pgdata'), endMs);
  const seedS = (performance.now() - seedStart) / 1000;
  // The bed exists because a device is assigned to it; the device stays silent.
  const pair = await openPtyPair(dir, 'hp5');
  const { shell, browser, close } = await startBrowserRig(join(dir, 'data'), [
    { driver: 'healthypi5', path: pair.devicePath, bed: BED_LABEL },
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const startMs = endMs - HOURS * 3_600_000;
    // The first open also finds the stored extent; it is not counted.
    await page.goto(`${shell.url}#/bed/${BED_ID}/review?at=${endMs - 60_000}`);
    await page.waitForSelector('[data-testid="review-paper"][data-drawn-at]');
    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const atMs = Math.round(startMs + 10_000 + Math.random() * (HOURS * 3_600_000 - 20_000));
      opens.push((await page.evaluate(openAndTime(atMs))) as number);
    }
    return {
      bench: 'review.open-10s',
      what: `navigation to #/bed/ID/review?at=T until the review canvas is drawn, T random in ${HOURS} h of one ECG channel at ${RATE_HZ} Hz (PGlite on disk, 1280×800 Chromium)`,
      unit: 'ms',
      median: round(median(opens)),
      p95: round(quantile(opens, 0.95)),
      opens: opens.map((ms) => round(ms)),
      seedS: round(seedS, 1),
    };
  } finally {
    await close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The page-side timing as source text (tsx would wrap named functions with a helper the page
 * lacks): sets the route, then resolves with the time to the paper marking that window drawn.
 */
function openAndTime(atMs: number): string {
  return `new Promise((resolve, reject) => {
    const start = performance.now();
    const timeout = setTimeout(() => reject(new Error('not drawn within 10 s')), 10000);
    function check() {
      const paper = document.querySelector('[data-testid="review-paper"]');
      const from = Number(paper && paper.dataset.windowFrom);
      const to = Number(paper && paper.dataset.windowTo);
      if (paper && Math.abs((from + to) / 2 - ${atMs}) < 1) {
        clearTimeout(timeout);
        resolve(Number(paper.dataset.drawnAt) - start);
      } else requestAnimationFrame(check);
    }
    window.location.hash = '#/bed/${BED_ID}/review?at=${atMs}';
    requestAnimationFrame(check);
  })`;
}

/** A synthetic ECG in counts of 5 µV, 72 /min, with a little noise so chunks compress as real ones. */
function ecgCounts(tS: number): number {
  const beat = tS % (60 / 72);
  const bump = (centreS: number, widthS: number, height: number) =>
    height * Math.exp(-(((beat - centreS) / widthS) ** 2));
  const wave =
    bump(0.16, 0.025, 30) + bump(0.3, 0.01, 240) - bump(0.28, 0.008, 30) + bump(0.55, 0.05, 60);
  return Math.round(wave + (Math.random() - 0.5) * 4);
}
