import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';

/*
 * Every difference in SQL between the two engines the store runs on, in one place (pg-boss keeps
 * its engine-specific SQL behind one seam the same way): repositories and migrations ask this
 * module. Outside the store, only the composition roots (app.ts, engine-thread.ts) look at the
 * engine, by DATABASE_URL: for what only Postgres has (signals between instances, the shared
 * rate limiter) or only SQLite needs (the WAL checkpointer).
 *
 * SQLite needs no locks: every transaction begins IMMEDIATE (sqlite-dialect.ts), holding the
 * file's one write lock from its first statement, so every read-check-write is serial, over
 * the main thread's connection and the delivery threads' alike. Postgres runs
 * transactions side by side under READ COMMITTED, so the same code needs row locks or advisory
 * locks there.
 */

export type Engine = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: these helpers serve every schema, the repositories' and the migrations' (typed Kysely<AnySchema> as Kysely's docs do)
type AnySchema = any;
type AnyDb = Kysely<AnySchema> | Transaction<AnySchema>;

/**
 * Which engine a Kysely instance (or one of its transactions) talks to. Read from the adapter,
 * which transactions share with their parent, so repositories built over either know it.
 */
export function engineOf(db: AnyDb): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Column types for migrations. Ids are ULIDs compared with `<` by keyset pages and pruning, so
 * they must sort bytewise on both engines: SQLite's default (BINARY) does, a Postgres database
 * may have any default collation, so ids say `C` there. Epoch milliseconds need 64 bits: an
 * `integer` is 32 bits on Postgres (SQLite gives `bigint` the same INTEGER affinity as before).
 * Flags stay 0/1 integers, so both engines read back the same number.
 */
export function columnTypes(db: AnyDb) {
  const postgres = engineOf(db) === 'postgres';
  return {
    id: postgres ? sql`text collate "C"` : sql`text`,
    time: sql`bigint`,
  };
}

/**
 * Serialises transactions that touch the same named thing (an idempotency key, a (tenant, url)
 * pair, a tenant name) until the caller's transaction ends, also when no row exists yet to lock.
 * Two different names may share a hash; that only makes one wait for the other.
 */
export async function lockName(trx: Transaction<AnySchema>, ...parts: string[]): Promise<void> {
  if (engineOf(trx) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${parts.join('\u0001')}, 0))`.execute(trx);
}

/**
 * Tries a lock held until the caller's transaction ends; false when another transaction (on any
 * instance) holds it. Housekeeping that one instance at a time should do asks this first.
 */
export async function tryLockName(trx: Transaction<AnySchema>, ...parts: string[]): Promise<boolean> {
  if (engineOf(trx) !== 'postgres') return true;
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(hashtextextended(${parts.join('\u0001')}, 0)) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** `for update` where the engine has row locks; a read-check-write reads its row through this. */
export function forUpdate<Q extends { forUpdate(): Q }>(db: AnyDb, query: Q): Q {
  return engineOf(db) === 'postgres' ? query.forUpdate() : query;
}

/** The smaller of two values: `least` on Postgres, the two-argument `min` on SQLite. */
export function least(db: AnyDb, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return engineOf(db) === 'postgres' ? sql<number>`least(${a}, ${b})` : sql<number>`min(${a}, ${b})`;
}

/** The larger of two values: `greatest` on Postgres, the two-argument `max` on SQLite. */
export function greatest(db: AnyDb, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return engineOf(db) === 'postgres' ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

/**
 * The UTF-8 bytes of a text column, as SQL: `octet_length` on Postgres; on SQLite `length` counts
 * characters, so it reads the text as a blob. Equal to Buffer.byteLength of the text written.
 */
export function byteLengthSql(db: AnyDb, column: string): RawBuilder<number> {
  return engineOf(db) === 'postgres'
    ? sql<number>`octet_length(${sql.ref(column)})`
    : sql<number>`length(cast(${sql.ref(column)} as blob))`;
}

/** Now, in epoch milliseconds, by the database's clock: the one clock every instance agrees on. */
export function databaseNowMs(db: AnyDb) {
  return engineOf(db) === 'postgres'
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
}

/**
 * Text as both engines store it: Postgres refuses NUL in `text`, SQLite keeps it. Stripped on
 * both, so a response body reads back the same whichever engine recorded it.
 */
export function storableText(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '');
}

/** Text matched literally inside a LIKE pattern written with `escape '\\'` (both engines take that form). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A new random version token, as SQL: 16 hex digits. Random rather than counted, so a token names
 * one state of one database: a cache keyed by it cannot mistake another database's state, or a
 * restored copy's, for this one.
 */
export function randomTokenSql(db: AnyDb): string {
  return engineOf(db) === 'postgres' ? `substr(md5(random()::text || clock_timestamp()::text), 1, 16)` : `lower(hex(randomblob(8)))`;
}

/**
 * Runs `statement(row)` in the writer's transaction after every insert and delete of a `table`
 * row and every update that sets one of `updateOf` (whether or not the value changes); `row` is
 * `NEW`, or `OLD` for a delete. Identifiers only, never values: this is migration SQL.
 */
export async function createChangeTrigger(
  db: Kysely<AnySchema>,
  {
    name,
    table,
    updateOf,
    statement,
  }: { name: string; table: string; updateOf: readonly string[]; statement: (row: 'NEW' | 'OLD') => string },
): Promise<void> {
  const columns = updateOf.join(', ');
  if (engineOf(db) === 'postgres') {
    await sql
      .raw(
        `create function ${name}() returns trigger language plpgsql as $$
         begin
           if tg_op = 'DELETE' then ${statement('OLD')}; else ${statement('NEW')}; end if;
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(`create trigger ${name} after insert or delete or update of ${columns} on ${table} for each row execute function ${name}()`)
      .execute(db);
    return;
  }
  await sql.raw(`create trigger ${name}_insert after insert on ${table} begin ${statement('NEW')}; end`).execute(db);
  await sql.raw(`create trigger ${name}_update after update of ${columns} on ${table} begin ${statement('NEW')}; end`).execute(db);
  await sql.raw(`create trigger ${name}_delete after delete on ${table} begin ${statement('OLD')}; end`).execute(db);
}

/** Drops what `createChangeTrigger` made. */
export async function dropChangeTrigger(db: Kysely<AnySchema>, { name, table }: { name: string; table: string }): Promise<void> {
  if (engineOf(db) === 'postgres') {
    await sql.raw(`drop trigger ${name} on ${table}`).execute(db);
    await sql.raw(`drop function ${name}()`).execute(db);
    return;
  }
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger ${name}_${event}`).execute(db);
}
