// The workstation's strip printer: the shared renderer (shared/strips/strip-renderer.ts: one
// worker thread, a queue, deadlines, a dead worker costing only its strip) with the workstation's
// worker (strip-worker.ts, found beside this module or in the bundle).
import { Worker } from 'node:worker_threads';
import {
  StripRenderer as SharedStripRenderer,
  type StripThread,
} from '../../../shared/strips/strip-renderer';
import { locateStripWorker, type StripWorkerScript } from './strip-worker-script';

export { STRIP_DEADLINE_MS } from '../../../shared/strips/strip-renderer';

/** What the workstation's strip worker is started with. */
export interface StripWorkerData {
  /** Where a packaged app keeps its resources (fonts/); the worker thread may not know it. */
  resourcesPath: string | undefined;
}

export interface StripRendererOptions {
  /** For the log: a worker that died or hung, with the strip it was making. */
  log?: (message: string) => void;
  /** Where a packaged app keeps its resources (the fonts); the process's own when absent. */
  resourcesPath?: string;
  /** The worker's code; found beside this module (source) or the bundle when absent. */
  script?: StripWorkerScript;
  /** How long a strip may take before the worker is taken for hung; STRIP_DEADLINE_MS by default. */
  stripDeadlineMs?: number;
}

export class StripRenderer extends SharedStripRenderer {
  constructor(options: StripRendererOptions = {}) {
    super({
      ...(options.log ? { log: options.log } : {}),
      ...(options.stripDeadlineMs !== undefined
        ? { stripDeadlineMs: options.stripDeadlineMs }
        : {}),
      stoppingWords: 'The workstation is stopping; the strip was not made.',
      spawn: (): StripThread => {
        const script = options.script ?? locateStripWorker();
        const workerData: StripWorkerData = {
          resourcesPath:
            options.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath,
        };
        return new Worker(script.path, { workerData, execArgv: script.execArgv });
      },
    });
  }
}
