// The strip worker from source, ending its thread when asked for a strip titled CRASH_TITLE (a
// worker that dies mid-strip: out of memory, a fault in a native part), and never answering one
// titled HANG_TITLE (a worker stuck in a loop), which no real input causes on purpose. Used by
// strip-renderer.test.ts (which names the same titles).
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const CRASH_TITLE = 'End the strip worker now';
const HANG_TITLE = 'Hang the strip worker now';

// Heard before the worker's own listener (added once its fonts are read), so it dies mid-strip.
parentPort?.on('message', (job) => {
  if (job?.info?.title === CRASH_TITLE) process.exit(70);
  if (job?.info?.title === HANG_TITLE) for (;;);
});
const requireFromHere = createRequire(import.meta.url);
requireFromHere('tsx/cjs/api').register();
requireFromHere('./strip-worker.ts');
