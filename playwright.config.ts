import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './test/support/chromium';
import { keptDurations, slowestFirst } from './test/support/test-order';

// The slowest specs first (test/support/test-order.ts says why): Playwright runs its projects'
// files in the projects' order and each project's files by name, so the specs that took a minute
// or more in the last full run make a first project of their own. Only the order changes: both
// projects use the same settings, and a worker starts its browser again once, between them.
const LONG_S = 60;
const long = slowestFirst(
  Object.entries(keptDurations().playwright)
    .filter(([, seconds]) => seconds >= LONG_S)
    .map(([path]) => path),
  (path) => path,
  keptDurations().playwright,
).map((path) => path.replace(/^test\/e2e\//, ''));

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Two spec files at a time: each mostly waits on its workstation, server and Chromium (one at a
  // time the e2e took 15 min of the suite's 25). The specs share no port, folder or database.
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-durations.json' }]],
  outputDir: 'test-results/e2e',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: CHROMIUM_LAUNCH,
  },
  projects:
    long.length > 0
      ? [
          { name: 'slow specs', testMatch: long },
          { name: 'the others', testIgnore: long },
        ]
      : [{ name: 'all' }],
});
