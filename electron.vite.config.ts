import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { RENDERER_CSP_META } from './shared/security/csp';

const here = (path: string) => resolve(import.meta.dirname, path);

export default defineConfig({
  // The Node side: the Electron shell, the `workstation` CLI (which is also the browser shell), the
  // store's and the strips' worker threads. Dependencies stay external (native modules, PGlite's
  // wasm files).
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: here('electron/main/index.ts'),
          cli: here('electron/cli/index.ts'),
          'store-worker': here('electron/host/store/worker.ts'),
          'strip-worker': here('electron/host/strips/strip-worker.ts'),
        },
      },
    },
  },
  // Sandboxed preloads cannot be ES modules: one self-contained CommonJS file.
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: here('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('renderer'),
    plugins: [
      react(),
      {
        name: 'workstation-csp',
        transformIndexHtml: (html) => html.replace('%RENDERER_CSP%', RENDERER_CSP_META),
      },
    ],
    build: {
      outDir: here('out/renderer'),
      // Also served to browsers by the browser shell (remote viewers), so keep it small.
      minify: true,
      // admin.html: the central server's admin page (/admin), served by the server only.
      // telehealth.html: the remote clinician's one-patient viewer (/telehealth/), the same.
      rolldownOptions: {
        input: {
          index: here('renderer/index.html'),
          admin: here('renderer/admin.html'),
          telehealth: here('renderer/telehealth.html'),
        },
      },
    },
  },
});
