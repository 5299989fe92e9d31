import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core, not vitest's cores - 1: the files wait on PostgreSQL, HTTP and Chromium more than
    // they compute, and on this project's 2-core machines one worker left the suite at 12 minutes (two: 8).
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default'],
  },
});
