import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.ts',
      'test/integration/**/*.test.ts',
    ],
    // Integration tests open real pseudo-terminals and a real PGlite on disk.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
