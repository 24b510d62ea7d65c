import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // better-sqlite3 is native; forks keep each test file in its own process.
    pool: 'forks',
    testTimeout: 20_000,
  },
});
