import { createRequire } from 'node:module';
import { configDefaults, defineConfig, type UserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/*
 * Store- and service-level test files that run a second time on Postgres (TEST_ENGINE=postgres
 * makes startTestApp use a fresh Postgres database): the paths where the engines differ
 * (types, locks, counts, queue). Files that test SQLite itself or start the server process stay
 * SQLite-only, but for operational-events and audit-log, which hand their process a fresh Postgres database.
 * The Postgres-only files (postgres-*.test.ts) run once, in the "sqlite" project: they choose
 * their Postgres themselves, a database on the shared server, or (postgres-restart, which stops
 * it) a server of their own.
 */
const onPostgresToo = [
  'test/webhooks.test.ts',
  'test/delivery.test.ts',
  'test/delivery-isolation.test.ts',
  'test/delivery-smoke.test.ts',
  'test/live.test.ts',
  'test/auth.test.ts',
  'test/secrets.test.ts',
  'test/rate-limit.test.ts',
  'test/recovery.test.ts',
  'test/webhook-versions.test.ts',
  'test/deliveries-plan.test.ts',
  'test/queue-due.test.ts',
  'test/claim-reads.test.ts',
  'test/claim-backlog.test.ts',
  'test/operational-events.test.ts',
  'test/audit-log.test.ts',
];

/*
 * What the root and both projects share. The projects do not `extends: true` the root: that would
 * merge the root's globalSetup into each of them and start three Postgres servers a run; the
 * root's global setup alone serves them (a project reads what the root provides).
 */
const shared = {
  resolve: {
    // Vite would pick graphql's ESM build for our files while yoga and Pothos (loaded by Node)
    // get the CommonJS one: two GraphQLError classes, and instanceof fails between them.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Chromium tests run with `npm run test:browser` (vitest.browser.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One process runs file after file with the modules it loaded kept: importing the app's
    // module graph again for every file was a third of the suite's CPU (bench/FINDINGS.md). The
    // projects still run apart (TEST_ENGINE), and no module keeps a database's or a server's state.
    isolate: false,
  },
} satisfies UserConfig;

export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    // A throwaway Postgres server for the tests that run against it (or TEST_DATABASE_URL's).
    globalSetup: ['test/build-setup.ts', 'test/global-setup.ts'],
    projects: [
      { ...shared, test: { ...shared.test, name: 'sqlite', include: ['test/**/*.test.ts'] } },
      { ...shared, test: { ...shared.test, name: 'postgres', include: onPostgresToo, env: { TEST_ENGINE: 'postgres' } } },
    ],
  },
});
