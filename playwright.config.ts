import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './test/support/chromium';
import { useFastTmp } from './test/support/fast-tmp';

// The workstations' and browsers' temporary folders on /dev/shm where there is one: fast-tmp.ts.
useFastTmp();

// Specs run in name order. Running the slowest first (test/support/test-order.ts, as Vitest does)
// was tried: it paired the telehealth consult with the accessibility sweep at the start, and the
// viewer reconnected while the central server printed its strip on its main thread. Strips are now
// printed in a worker thread (server/strips/); name order is kept, as measured.
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
});
