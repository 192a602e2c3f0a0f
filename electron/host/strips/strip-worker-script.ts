// Where the strip worker's code is: strip-worker.ts (through a tsx bootstrap) beside this file when
// running from TS source (vitest), or out/main/strip-worker.js when bundled by electron-vite. The
// same search as the store's worker (store/worker-script.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreWorkerScript } from '../store/worker-script';

export type StripWorkerScript = StoreWorkerScript;

const BUNDLED_NAME = 'strip-worker.js';
// The printer may be bundled into out/main/*.js or a shared chunk one or two folders below.
const MAX_LEVELS_UP = 2;

export function locateStripWorker(moduleUrl: string = import.meta.url): StripWorkerScript {
  const modulePath = fileURLToPath(moduleUrl);
  if (modulePath.endsWith('.ts')) {
    return { path: join(dirname(modulePath), 'strip-worker-from-source.mjs'), execArgv: [] };
  }
  let folder = dirname(modulePath);
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(folder, BUNDLED_NAME);
    if (existsSync(candidate)) return { path: candidate, execArgv: [] };
    folder = dirname(folder);
  }
  throw new Error(
    `The strip printer cannot start: ${BUNDLED_NAME} is not beside ${modulePath} or up to ${MAX_LEVELS_UP} folders above it. Reinstall the workstation (developers: npm run build).`,
  );
}
