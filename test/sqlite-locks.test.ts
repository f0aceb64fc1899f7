import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';

/*
 * Internals (store/sqlite-dialect.ts): while another connection (a delivery thread, another
 * process) holds SQLite's write lock, a transaction of this thread waits for it without
 * stopping the thread, and reads go on meanwhile. Here the other connection is a raw
 * better-sqlite3 handle in this same thread, released by a timer: a wait inside SQLite would
 * block the timer too, and the transaction would fail with SQLITE_BUSY after the busy timeout.
 */

const dir = mkdtempSync(join(tmpdir(), 'gateway-locks-'));
const path = join(dir, 'gateway.db');
let db: Db;
let other: SQLite.Database;

beforeAll(async () => {
  db = openDatabase({ databasePath: path, databaseUrl: null, databasePoolSize: 1 }, { turns: { sliceMs: 5, keyOf: () => undefined } });
  await migrateToLatest(db);
  other = new SQLite(path);
});

afterEach(() => {
  if (other.inTransaction) other.exec('rollback');
});

afterAll(async () => {
  other.close();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const tenants = async () => (await db.selectFrom('tenants').select('id').execute()).map((row) => row.id);
const later = (ms: number) => new Promise<'timer'>((resolve) => setTimeout(() => resolve('timer'), ms));

it('a transaction waits for the write lock with the event loop running, and reads answer meanwhile', async () => {
  other.exec('begin immediate');
  const steps: string[] = [];
  const writing = db.transaction().execute(async (trx) => {
    steps.push('in transaction');
    await trx.insertInto('tenants').values({ id: 'locks-a', name: 'a', created_at: Date.now() }).execute();
  });
  // The transaction cannot have begun: the other connection holds the lock.
  expect(await Promise.race([writing.then(() => 'written'), later(50)])).toBe('timer');
  expect(steps).toEqual([]);
  // A read is not queued behind the waiting transaction; it sees what is committed.
  const seen = await Promise.race([tenants(), later(1_000)]);
  expect(seen).not.toBe('timer');
  expect(seen).not.toContain('locks-a');
  other.exec('commit');
  await writing;
  expect(steps).toEqual(['in transaction']);
  expect(await tenants()).toContain('locks-a');
});

it('a statement outside a transaction waits for the lock the same way', async () => {
  other.exec('begin immediate');
  const writing = db.insertInto('tenants').values({ id: 'locks-b', name: 'b', created_at: Date.now() }).execute();
  expect(await Promise.race([writing.then(() => 'written'), later(50)])).toBe('timer');
  other.exec('commit');
  await writing;
  expect(await tenants()).toContain('locks-b');
});

it("a transaction's own statements see its uncommitted writes; other reads do not until it commits", async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let inside: string[] = [];
  const writing = db.transaction().execute(async (trx) => {
    await trx.insertInto('tenants').values({ id: 'locks-c', name: 'c', created_at: Date.now() }).execute();
    inside = (await trx.selectFrom('tenants').select('id').execute()).map((row) => row.id);
    await held;
  });
  await later(20);
  expect(inside).toContain('locks-c');
  const seen = await Promise.race([tenants(), later(1_000)]);
  expect(seen).not.toBe('timer');
  expect(seen).not.toContain('locks-c');
  release();
  await writing;
  expect(await tenants()).toContain('locks-c');
});
