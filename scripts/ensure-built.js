// Builds with electron-vite when out/ is missing or older than any source file, so `npm run serve`
// and `npm run cli` always run what is in the tree without paying for a build every time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const outputs = [
  'out/main/cli.js',
  'out/main/index.js',
  'out/main/store-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
const sources = ['electron', 'renderer', 'shared', 'electron.vite.config.ts', 'package.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const missing = outputs.some((file) => !existsSync(join(root, file)));
const builtAt = missing
  ? 0
  : Math.min(...outputs.map((file) => statSync(join(root, file)).mtimeMs));
const changedAt = Math.max(...sources.map((path) => newest(join(root, path))));
if (missing || changedAt > builtAt) {
  console.error('Building the workstation (electron-vite)…');
  const result = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
