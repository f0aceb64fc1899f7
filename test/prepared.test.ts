import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { prepared } from '../src/store/prepared.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';

/*
 * Statements built once (store/prepared.ts): one prepared statement used on both engines in one
 * process, with the values of each call, and a build that would fix a value at the first call
 * refused at once.
 */

let dir: string;
let database: TestDatabase;
let engines: { sqlite: Db; postgres: Db };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prepared-'));
  database = await freshPostgresDatabase();
  engines = {
    sqlite: openDatabase({ databaseUrl: null, databasePath: join(dir, 'gateway.db'), databasePoolSize: 1 }),
    postgres: openDatabase({ databaseUrl: database.url, databasePath: '', databasePoolSize: 2 }),
  };
  for (const db of Object.values(engines)) await migrateToLatest(db);
}, 30_000);

afterAll(async () => {
  for (const db of Object.values(engines ?? {})) await db.destroy();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const insertTenant = prepared((db, row: { id: string; name: string; created_at: number; webhooks_version?: string }) =>
  db.insertInto('tenants').values(row).returningAll(),
);
const tenantNamed = prepared((db, { name }: { name: string }) =>
  db.selectFrom('tenants').select(['id', 'webhooks_version']).where('name', '=', name),
);

describe('a prepared statement', () => {
  it("runs with each call's values, on either engine, with or without an optional column", async () => {
    for (const [engine, db] of Object.entries(engines)) {
      for (const n of [1, 2, 3]) await insertTenant(db, { id: `t_${engine}_${n}`, name: `${engine}-${n}`, created_at: n });
      await insertTenant(db, { id: `t_${engine}_4`, name: `${engine}-4`, created_at: 4, webhooks_version: 'given' });
      for (const n of [3, 1, 4, 2]) {
        expect((await tenantNamed(db, { name: `${engine}-${n}` })).rows, `${engine} ${n}`).toEqual([
          { id: `t_${engine}_${n}`, webhooks_version: n === 4 ? 'given' : '' },
        ]);
      }
      expect((await tenantNamed(db, { name: 'nobody' })).rows).toEqual([]);
    }
  });

  it('refuses a build that does not take a value as a parameter', async () => {
    const byDerivedName = prepared((db, { name }: { name: string }) =>
      db.selectFrom('tenants').select('id').where('name', '=', `${name}`.toUpperCase()),
    );
    await expect(async () => byDerivedName(engines.sqlite, { name: 'sqlite-1' })).rejects.toThrow(/did not take name/);
  });
});
