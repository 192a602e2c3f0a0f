// Sustained ingest into the store: sample blocks as acquisition produces them (16 beds × 3 ECG
// leads at 500 Hz + pleth 125 Hz + resp 62.5 Hz, blocks of 40 ms), as fast as the store takes them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../electron/host/store/client';

const CHANNELS = [
  { channel: 'MDC_ECG_ELEC_POTL_I', rateHz: 500 },
  { channel: 'MDC_ECG_ELEC_POTL_II', rateHz: 500 },
  { channel: 'MDC_ECG_ELEC_POTL_III', rateHz: 500 },
  { channel: 'MDC_PULS_OXIM_PLETH', rateHz: 125 },
  { channel: 'MDC_IMPED_TTHOR', rateHz: 62.5 },
];

export async function storeIngest(
  beds: number,
  seconds: number,
): Promise<{ samplesPerSecond: number; realTimeFactor: number; samples: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-store-'));
  const store = await openStore({ dataDir: dir, workstationId: 'bench' });
  try {
    const blockMs = 40;
    const start = performance.now();
    let samples = 0;
    const t0 = Date.now();
    for (let at = 0; at < seconds * 1000; at += blockMs) {
      for (let bed = 0; bed < beds; bed++) {
        for (const { channel, rateHz } of CHANNELS) {
          const first = Math.round((at * rateHz) / 1000);
          const count = Math.round(((at + blockMs) * rateHz) / 1000) - first;
          const values = Array.from({ length: count }, (_, k) =>
            Math.round(1000 * Math.sin((first + k) / 20)),
          );
          store.appendSamples({
            bedId: `bed-${bed}`,
            deviceId: `dev-${bed}`,
            channel,
            rateHz,
            t0: t0 + (first * 1000) / rateHz,
            values,
          });
          samples += count;
        }
      }
      // Hand over control now and then, as the real event loop would between serial reads.
      if (at % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await store.flush();
    const elapsedS = (performance.now() - start) / 1000;
    return { samplesPerSecond: samples / elapsedS, realTimeFactor: seconds / elapsedS, samples };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
