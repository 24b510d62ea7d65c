import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // better-sqlite3 is native; forks keep each test file in its own process.
    pool: 'forks',
    // One file per core. Vitest's default (one fewer than the cores) ran the files one at a time on CI's 2 cores:
    // 272 s, against 157 s with two (most files wait on servers and child processes, not on a core).
    maxWorkers: availableParallelism(),
    testTimeout: 20_000,
  },
});
