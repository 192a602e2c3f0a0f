// Finds folders the workstation ships with, whether it runs from source (tests), from the build
// (out/main) or from a packaged app (resources beside the executable).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from this module until `marker` exists under a folder; returns that folder. */
export function findUp(
  marker: string,
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The shipped demo recordings (`resources/demo`). */
export function demoRecordingsDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'demo', 'NOTICE.md'))) return join(packaged, 'demo');
  const root = findUp(join('resources', 'demo', 'NOTICE.md'));
  if (!root)
    throw new Error('The demo recordings (resources/demo) are missing from this installation.');
  return join(root, 'resources', 'demo');
}

/** The built renderer (`out/renderer`). */
export function rendererDir(): string {
  const root = findUp(join('out', 'renderer', 'index.html'));
  if (!root) throw new Error('The renderer is not built: run `npm run build` first.');
  return join(root, 'out', 'renderer');
}

/** A worker thread's entry, and the Node options it needs. */
export interface WorkerScript {
  path: string;
  /** Node options for the worker thread, e.g. a TypeScript loader when running from source. */
  execArgv: string[];
}

/** The bundled entry may sit beside the calling module or one or two folders above its chunk. */
const MAX_WORKER_LEVELS_UP = 2;

/**
 * Where a worker's code is for the module at `moduleUrl`: the tsx bootstrap `fromSource` beside
 * it when running from TS source (vitest), or `bundled` as electron-vite wrote it to out/main.
 */
export function locateWorkerScript(
  moduleUrl: string,
  worker: { fromSource: string; bundled: string; what: string; remedy: string },
): WorkerScript {
  const modulePath = fileURLToPath(moduleUrl);
  if (modulePath.endsWith('.ts')) {
    return { path: join(dirname(modulePath), worker.fromSource), execArgv: [] };
  }
  let folder = dirname(modulePath);
  for (let level = 0; level <= MAX_WORKER_LEVELS_UP; level++) {
    const candidate = join(folder, worker.bundled);
    if (existsSync(candidate)) return { path: candidate, execArgv: [] };
    folder = dirname(folder);
  }
  throw new Error(
    `${worker.what} cannot start: ${worker.bundled} is not beside ${modulePath} or up to ${MAX_WORKER_LEVELS_UP} folders above it. ${worker.remedy}`,
  );
}
