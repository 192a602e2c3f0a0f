// The strip worker thread: reads the fonts and warms the printing code up once, then makes each
// strip's PDF as it is asked, one at a time, so the main thread (serial ports, alarms, live
// screens) never waits on layout, shaping or PDF writing. Bad input is answered, never fatal.
import { parentPort, workerData } from 'node:worker_threads';
import { loadStripFonts, stripFontsDir, type StripFonts } from './strip-fonts';
import {
  ownedBytes,
  type StripJob,
  type StripWorkerData,
  type StripWorkerMessage,
} from './strip-job';
import { renderStripPdf } from './strip-render';
import { warmUpStripPrinting } from './strip-warm-up';

if (!parentPort) throw new Error('The strip worker must be started as a worker thread.');
const port = parentPort;
const { resourcesPath } = workerData as StripWorkerData;

const send = (message: StripWorkerMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);
const words = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function makeStrip(fonts: StripFonts, { id, input, info }: StripJob): Promise<void> {
  try {
    const pdf = ownedBytes(await renderStripPdf(input, info, fonts));
    send({ type: 'pdf', id, pdf }, [pdf.buffer]);
  } catch (error) {
    send({ type: 'failed', id, error: words(error) });
  }
}

async function start(): Promise<void> {
  let fonts: StripFonts;
  try {
    fonts = await loadStripFonts(stripFontsDir(resourcesPath));
    await warmUpStripPrinting(fonts);
  } catch (error) {
    send({ type: 'startFailed', error: words(error) });
    port.close();
    return;
  }
  port.on('message', (job: StripJob) => void makeStrip(fonts, job));
  send({ type: 'ready' });
}

void start();
