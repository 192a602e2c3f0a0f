// Opening a 10 s strip anywhere in 72 h of full-disclosure review, as a clinician does: the
// browser shell's review route `#/bed/<id>/review?at=<ms>` in Debian's Chromium, timed from the
// navigation to the review canvas marking that window drawn (data-drawn-at). The workstation is
// started on the 72 h × 16 beds × (3 ECG leads 500 Hz, pleth 125 Hz, resp 62.5 Hz) store of
// full-store.ts, with what a workstation that recorded those beds would also hold: a patient in
// each bed (so the beds are listed) and the channels with their scales (added on the first run).
import type { Page } from '@playwright/test';
import { startBrowserRig } from './browser-rig';
import {
  FULL_STORE_BEDS as BEDS,
  FULL_STORE_END_MS as END_MS,
  fullStore,
  KEEP_EVERYTHING,
} from './full-store';
import { START_MS, STRIP_CHANNELS, STRIP_HOURS } from './store-queries';
import { median, quantile, round } from './stats';

const OPENS = 20;
const LOOK_MS = 500;
const SCALES: Record<string, { label: string; unit: string; scale: number }> = {
  MDC_ECG_ELEC_POTL_I: { label: 'I', unit: 'mV', scale: 0.001 },
  MDC_ECG_ELEC_POTL_II: { label: 'II', unit: 'mV', scale: 0.001 },
  MDC_ECG_ELEC_POTL_III: { label: 'III', unit: 'mV', scale: 0.001 },
  MDC_PULS_OXIM_PLETH: { label: 'Pleth', unit: '', scale: 0.0001 },
  MDC_IMPED_TTHOR: { label: 'Resp', unit: 'Ω', scale: 0.001 },
};

export interface ReviewOpenResult {
  what: string;
  /** Each open another bed (the review mounted afresh: its extent asked) at a random time. */
  median: number;
  p95: number;
  opens: number[];
  /** The same bed, another random time each open (the review already open on that bed). */
  sameBedMedian: number;
  sameBedP95: number;
  /** Making the store (about 0 when it was there already). */
  seedS: number;
}

export async function reviewOpenBench(): Promise<ReviewOpenResult> {
  const { dataDir, madeS: seedS } = await fullStore();
  const { workstation, shell, browser, close } = await startBrowserRig(dataDir, [], {
    retention: KEEP_EVERYTHING, // the store's times are fixed in the past
  });
  try {
    // Beds are listed for their patients (kept in the copy after the first run).
    for (let b = 0; b < BEDS; b++) {
      if (workstation.beds.has(`bed-${b}`)) continue;
      await workstation.admitPatient(
        {
          familyName: 'Bench',
          givenName: `Bed ${b}`,
          mrn: `BENCH-${b}`,
          birthDate: '1950-01-01',
          category: 'adult',
          bedLabel: `Bed ${b}`,
        },
        'bench',
      );
    }
    await workstation.store.recordChannels(
      Array.from({ length: BEDS }, (_, b) =>
        STRIP_CHANNELS.map(({ channel, rateHz }) => ({
          bedId: `bed-${b}`,
          deviceId: `dev-${b}`,
          channel,
          rateHz,
          ...SCALES[channel]!,
        })),
      ).flat(),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The page's clock at the end of the stored 72 h, as on a workstation recording until now:
    // the review probes where each bed's signal begins and ends within the retention.
    await page.addInitScript(`{
      const offset = ${END_MS} - Date.now();
      const now = Date.now.bind(Date);
      Date.now = () => now() + offset;
    }`);
    const randomAt = () =>
      Math.round(START_MS + 10_000 + Math.random() * (END_MS - START_MS - 20_000));
    // The first open loads the page; it is not counted.
    await page.goto(`${shell.url}#/bed/bed-0/review?at=${randomAt()}`);
    await page.waitForSelector('[data-testid="review-paper"][data-drawn-at]');
    // A person looks at a strip before opening the next: what the review fetches ahead of the
    // screen (the neighbouring windows) is done by then.
    const lookAtIt = () => page.waitForTimeout(LOOK_MS);
    const opens: number[] = [];
    let bed = 0;
    for (let i = 0; i < OPENS; i++) {
      bed = (bed + 1 + Math.floor(Math.random() * (BEDS - 1))) % BEDS; // never the bed on screen
      await lookAtIt();
      opens.push(await openAndTime(page, `bed-${bed}`, randomAt()));
    }
    const sameBed: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await lookAtIt();
      sameBed.push(await openAndTime(page, `bed-${bed}`, randomAt()));
    }
    return {
      what: `navigation to #/bed/ID/review?at=T until the review canvas is drawn (1280×800 Chromium), T random in ${STRIP_HOURS} h of a store holding ${STRIP_HOURS} h × ${BEDS} beds × (3 ECG 500 Hz + pleth 125 Hz + resp 62.5 Hz) in packed rows of a minute (PGlite on disk, in the store worker); each open another bed (its extent asked as the review mounts), ${LOOK_MS} ms after the last was drawn; sameBed*: the review already open on the bed, another T`,
      median: median(opens),
      p95: quantile(opens, 0.95),
      opens: opens.map((ms) => round(ms)),
      sameBedMedian: median(sameBed),
      sameBedP95: quantile(sameBed, 0.95),
      seedS,
    };
  } finally {
    await close();
  }
}

/**
 * Sets the route in the page, then resolves with the time to the paper marking that bed's window
 * drawn. Source text: tsx would wrap named functions with a helper the page lacks.
 */
async function openAndTime(page: Page, bedId: string, atMs: number): Promise<number> {
  return (await page.evaluate(`new Promise((resolve, reject) => {
    const start = performance.now();
    const timeout = setTimeout(() => reject(new Error('not drawn within 10 s')), 10000);
    function check() {
      const review = document.querySelector('[data-testid="review"]');
      const paper = document.querySelector('[data-testid="review-paper"]');
      const from = Number(paper && paper.dataset.windowFrom);
      const to = Number(paper && paper.dataset.windowTo);
      if (review && review.dataset.bedId === '${bedId}' && Math.abs((from + to) / 2 - ${atMs}) < 1) {
        clearTimeout(timeout);
        resolve(Number(paper.dataset.drawnAt) - start);
      } else requestAnimationFrame(check);
    }
    window.location.hash = '#/bed/${bedId}/review?at=${atMs}';
    requestAnimationFrame(check);
  })`)) as number;
}
