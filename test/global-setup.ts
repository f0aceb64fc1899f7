import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/postgres-server.ts';
import type {} from './helpers/postgres.ts';

/*
 * One Postgres server for the whole run; each test file that needs it makes its own database
 * there. A failure to start is handed to the Postgres tests, which fail with it (and the install
 * command), rather than failing the SQLite tests that do not need a server.
 */
export default async function setup(project: TestProject) {
  const existing = process.env.TEST_DATABASE_URL;
  if (existing) {
    project.provide('postgres', { url: existing });
    return;
  }
  let server: ThrowawayPostgres | undefined;
  try {
    server = await startThrowawayPostgres();
    project.provide('postgres', { url: server.url });
  } catch (error) {
    project.provide('postgres', { error: error instanceof Error ? error.message : String(error) });
  }
  return () => server?.stop();
}
