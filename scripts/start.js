// `npm start`: the desktop app. Where the Electron runtime is not installed (an offline install,
// CI, a server), say so in one line and start the browser shell with the demo bed instead.
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const run = (command, args) => {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
};

const built = spawnSync(process.execPath, [join(root, 'scripts/ensure-built.js')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);

/** The electron package exports the path of its binary, and throws when it was never downloaded. */
function findElectron() {
  try {
    return createRequire(import.meta.url)('electron');
  } catch {
    return null;
  }
}
const electronBinary = findElectron();

const args = process.argv.slice(2);
if (typeof electronBinary === 'string') {
  run(electronBinary, [root, ...args]);
} else {
  console.log(
    'Electron runtime not installed here: starting the browser shell with the demo bed instead.',
  );
  run(process.execPath, [join(root, 'out/main/cli.js'), 'serve', '--demo', ...args]);
}
