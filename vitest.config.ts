import { defineConfig } from 'vitest/config';
import { DurationSequencer } from './test/support/duration-sequencer';
import { useFastTmp } from './test/support/fast-tmp';

// Temporary files (stores, ptys' links, exports) on /dev/shm where there is one: see fast-tmp.ts.
useFastTmp();

export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.ts',
      'server/**/*.test.ts',
      'test/integration/**/*.test.ts',
    ],
    // Integration tests open real pseudo-terminals and a real PGlite on disk.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on the 2-core machines this runs on: most integration files wait on
    // ptys, timers and disk, and one at a time the suite took 18 min (the default here is one).
    maxWorkers: 2,
    // Each worker runs its files one after another in one process, without a fresh module graph
    // per file: importing and transforming the modules anew for each of ~250 files took about a
    // third of the suite's time. Nothing here mocks modules; a file that changes globals (fake
    // timers, console spies) restores them.
    isolate: false,
    // The slowest files first, by the times of the last full run (test/support/test-order.ts).
    sequence: { sequencer: DurationSequencer },
  },
});
