// Starts strip-worker.ts from TypeScript source (tests, development). On Node 20, tsx's ESM hooks
// (`--import tsx`) do not reach worker threads; its CommonJS require hooks do.
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);
requireFromHere('tsx/cjs/api').register();
requireFromHere('./strip-worker.ts');
