// The workstation's strip worker thread: the fonts beside the app (or in resources/fonts), and the
// shared strip worker's loop (shared/strips/strip-worker-jobs.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { serveStripJobs } from '../../../shared/strips/strip-worker-jobs';
import { loadStripFonts, stripFontsDir } from './strip-fonts';
import type { StripWorkerData } from './strip-renderer';

if (!parentPort) throw new Error('The strip worker must be started as a worker thread.');
const { resourcesPath } = workerData as StripWorkerData;

void serveStripJobs(parentPort, () => loadStripFonts(stripFontsDir(resourcesPath)));
