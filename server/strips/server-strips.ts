// The central server's strip printer (a remote clinician's "Save strip as PDF"): the shared renderer
// (shared/strips/strip-renderer.ts) with a worker thread of the server's own (strip-worker.ts), so
// the server's main thread, which relays every bed's live data, never spends the few hundred
// milliseconds a strip's layout and PDF take. Its fonts are resources/fonts above this module
// (the source tree, or out/server of the build).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StripRenderer, type StripThread } from '../../shared/strips/strip-renderer';

export const NO_STRIP_FONTS =
  'The central server cannot print strips: its fonts (resources/fonts) are missing. Tell the ' +
  "hospital's IT.";

/** What the server's strip worker is started with. */
export interface ServerStripWorkerData {
  /** The fonts' folder; null when it was not found (the worker says NO_STRIP_FONTS). */
  fontsDir: string | null;
}

/** resources/fonts above `from` (the source tree, or out/server of the build). */
export function findStripFontsDir(from: string = import.meta.dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'fonts');
    if (existsSync(join(candidate, 'NOTICE.md'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The worker's code: strip-worker.ts through a tsx bootstrap beside this module when the server
 * runs from source (tests, `npm run server` in development), strip-worker.js beside the bundle.
 */
export function serverStripWorkerScript(moduleUrl: string = import.meta.url): {
  path: string;
  execArgv: string[];
} {
  const here = fileURLToPath(moduleUrl);
  const folder = dirname(here);
  if (here.endsWith('.ts'))
    return { path: join(folder, 'strip-worker-from-source.mjs'), execArgv: [] };
  return { path: join(folder, 'strip-worker.js'), execArgv: [] };
}

export interface ServerStripsOptions {
  log(line: string): void;
  /** The fonts' folder; found above this module when absent. */
  fontsDir?: string;
  /** The worker's code; tests give a faulty one. */
  script?: { path: string; execArgv: string[] };
}

export function serverStripRenderer(options: ServerStripsOptions): StripRenderer {
  return new StripRenderer({
    log: (line) => options.log(`telehealth: ${line}`),
    stoppingWords: 'The central server is stopping; the strip was not made.',
    spawn: (): StripThread => {
      const script = options.script ?? serverStripWorkerScript();
      const workerData: ServerStripWorkerData = {
        fontsDir: options.fontsDir ?? findStripFontsDir(),
      };
      return new Worker(script.path, { workerData, execArgv: script.execArgv });
    },
  });
}
