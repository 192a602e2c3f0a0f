// Builds what is missing or older than any of its source files, so `npm run serve`, `npm run cli`
// and `npm run server` always run what is in the tree without paying for a build every time:
// the workstation with electron-vite, the central server (out/server) with its own vite config.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const targets = [
  {
    name: 'the workstation (electron-vite)',
    outputs: [
      'out/main/cli.js',
      'out/main/index.js',
      'out/main/store-worker.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ],
    sources: ['electron', 'renderer', 'shared', 'electron.vite.config.ts', 'package.json'],
    command: ['electron-vite', 'build'],
  },
  {
    name: 'the central server (vite)',
    outputs: ['out/server/main.js', 'out/server/strip-worker.js'],
    sources: ['server', 'shared', 'package.json'],
    command: ['vite', 'build', '--config', 'server/vite.config.ts'],
  },
];

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

for (const { name, outputs, sources, command } of targets) {
  const missing = outputs.some((file) => !existsSync(join(root, file)));
  const builtAt = missing
    ? 0
    : Math.min(...outputs.map((file) => statSync(join(root, file)).mtimeMs));
  const changedAt = Math.max(...sources.map((path) => newest(join(root, path))));
  if (missing || changedAt > builtAt) {
    console.error(`Building ${name}…`);
    const result = spawnSync('npx', command, {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
