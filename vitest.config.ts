import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The examples run for real too: the docs show what CI proves.
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
