// Builds the central server into out/server/main.js for plain Node (no tsx in production): an SSR
// bundle of server/ and the shared/ code it uses, the SQL migrations inlined (`?raw`), and every
// package in node_modules left as an import (pg, zod, …). Its strip printer's worker thread is a
// second entry, out/server/strip-worker.js (server/strips/server-strips.ts finds it there).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  root,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: resolve(root, 'out/server'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      input: {
        main: resolve(root, 'server/main.ts'),
        'strip-worker': resolve(root, 'server/strips/strip-worker.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
