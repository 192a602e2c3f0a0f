// Where the store worker's code is: worker.ts (through a tsx bootstrap) beside this file when
// running from TS source (vitest), or out/main/store-worker.js when bundled by electron-vite.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StoreWorkerScript {
  path: string;
  /** Node options for the worker thread, e.g. a TypeScript loader when running from source. */
  execArgv: string[];
}

const BUNDLED_NAME = 'store-worker.js';
// The client may be bundled into out/main/*.js or a shared chunk one or two folders below.
const MAX_LEVELS_UP = 2;

export function locateStoreWorker(moduleUrl: string = import.meta.url): StoreWorkerScript {
  const modulePath = fileURLToPath(moduleUrl);
  if (modulePath.endsWith('.ts')) {
    return { path: join(dirname(modulePath), 'worker-from-source.mjs'), execArgv: [] };
  }
  let folder = dirname(modulePath);
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(folder, BUNDLED_NAME);
    if (existsSync(candidate)) return { path: candidate, execArgv: [] };
    folder = dirname(folder);
  }
  throw new Error(
    `The data store cannot start: ${BUNDLED_NAME} is not beside ${modulePath} or up to ${MAX_LEVELS_UP} folders above it. Rebuild the app (npm run build).`,
  );
}
