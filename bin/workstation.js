#!/usr/bin/env node
// The `workstation` command: runs the built CLI (build it once with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('workstation: not built yet. Run `npm run build` in the project folder first.');
  process.exit(2);
}
await import(cli);
