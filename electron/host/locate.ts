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
