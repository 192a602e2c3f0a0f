// Where the strip worker's code is: strip-worker.ts (through a tsx bootstrap) beside this file when
// running from TS source (vitest), or out/main/strip-worker.js when bundled by electron-vite.
import { locateWorkerScript, type WorkerScript } from '../locate';

export type StripWorkerScript = WorkerScript;

export function locateStripWorker(moduleUrl: string = import.meta.url): StripWorkerScript {
  return locateWorkerScript(moduleUrl, {
    fromSource: 'strip-worker-from-source.mjs',
    bundled: 'strip-worker.js',
    what: 'The strip printer',
    remedy: 'Reinstall the workstation (developers: npm run build).',
  });
}
