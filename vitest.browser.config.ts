import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run test:browser`: GraphiQL (and later the monitor) in a real Chromium. Kept out of
// `npm test`, which must not need a browser; `.ci/run` runs both.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/browser/**/*.test.ts'],
    exclude: configDefaults.exclude,
    // npm test's projects (SQLite, Postgres) and its throwaway Postgres are not for these.
    projects: undefined,
    globalSetup: ['test/build-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
