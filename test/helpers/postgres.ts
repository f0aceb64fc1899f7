import pg from 'pg';
import { inject } from 'vitest';

/*
 * A real Postgres for the tests. `TEST_DATABASE_URL` points them at an existing server (its role
 * needs CREATEDB: every test file gets a database of its own). Otherwise the global setup starts
 * a throwaway server (postgres-server.ts). Without one the Postgres tests fail with the command
 * that installs the binaries; they are never skipped.
 */

export type PostgresForTests = { url: string } | { error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresForTests;
  }
}

/** The server the tests use; throws (never skips) when there is none, saying how to get one. */
export function postgresServerUrl(): string {
  const provided = inject('postgres');
  if ('error' in provided) throw new Error(provided.error);
  return provided.url;
}

export type TestDatabase = { url: string; drop(): Promise<void> };

/** A new, empty database on the test server, for one test file or one test. */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  const serverUrl = postgresServerUrl();
  const name = `gw_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
