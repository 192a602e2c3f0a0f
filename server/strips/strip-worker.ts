// The central server's strip worker thread: its fonts, and the shared strip worker's loop
// (shared/strips/strip-worker-jobs.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openStripFonts } from '../../shared/strips/strip-fonts';
import { serveStripJobs } from '../../shared/strips/strip-worker-jobs';
import { NO_STRIP_FONTS, type ServerStripWorkerData } from './server-strips';

if (!parentPort) throw new Error('The strip worker must be started as a worker thread.');
const { fontsDir } = workerData as ServerStripWorkerData;

void serveStripJobs(parentPort, () =>
  fontsDir
    ? openStripFonts((file) => readFile(join(fontsDir, file)), "tell the hospital's IT.")
    : Promise.reject(new Error(NO_STRIP_FONTS)),
);
