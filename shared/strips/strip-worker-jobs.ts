// What a strip worker thread does, whoever starts it (the workstation's strip-worker.ts, the
// central server's server/strips/strip-worker.ts): reads the fonts and warms the printing code up
// once, then makes each strip's PDF as it is asked, one at a time, so the starting thread (serial
// ports, alarms, live screens, a server's relay) never waits on layout, shaping or PDF writing.
// Bad input is answered, never fatal.
import type { StripFonts } from './strip-fonts';
import { ownedBytes, type StripJob, type StripWorkerMessage } from './strip-job';
import { renderStripPdf } from './strip-render';
import { warmUpStripPrinting } from './strip-warm-up';

/** The worker's end of the channel (node:worker_threads' parentPort has all of it). */
export interface StripJobPort {
  postMessage(message: StripWorkerMessage, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (job: StripJob) => void): unknown;
  close(): void;
}

const words = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function makeStrip(port: StripJobPort, fonts: StripFonts, job: StripJob): Promise<void> {
  try {
    const pdf = ownedBytes(await renderStripPdf(job.input, job.info, fonts));
    port.postMessage({ type: 'pdf', id: job.id, pdf }, [pdf.buffer]);
  } catch (error) {
    port.postMessage({ type: 'failed', id: job.id, error: words(error) });
  }
}

/** Says 'ready' once the fonts are read and the code warm, then answers each job; or 'startFailed'. */
export async function serveStripJobs(
  port: StripJobPort,
  loadFonts: () => Promise<StripFonts>,
): Promise<void> {
  let fonts: StripFonts;
  try {
    fonts = await loadFonts();
    await warmUpStripPrinting(fonts);
  } catch (error) {
    port.postMessage({ type: 'startFailed', error: words(error) });
    port.close();
    return;
  }
  port.on('message', (job) => void makeStrip(port, fonts, job));
  port.postMessage({ type: 'ready' });
}
