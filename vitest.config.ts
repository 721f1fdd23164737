import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The examples run for real too: the docs show what CI proves.
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
