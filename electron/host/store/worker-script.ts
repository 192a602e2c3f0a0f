// Where the store worker's code is: worker.ts (through a tsx bootstrap) beside this file when
// running from TS source (vitest), or out/main/store-worker.js when bundled by electron-vite.
import { locateWorkerScript, type WorkerScript } from '../locate';

export type StoreWorkerScript = WorkerScript;

export function locateStoreWorker(moduleUrl: string = import.meta.url): StoreWorkerScript {
  return locateWorkerScript(moduleUrl, {
    fromSource: 'worker-from-source.mjs',
    bundled: 'store-worker.js',
    what: 'The data store',
    remedy: 'Rebuild the app (npm run build).',
  });
}
