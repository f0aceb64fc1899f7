import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/*
 * Several connections write one SQLite file when the delivery engine runs in worker threads
 * (delivery/engine-threads.ts), each thread its own connection. Kysely begins a transaction
 * with a plain (deferred) BEGIN: one that reads and then writes after another connection wrote
 * fails at once with SQLITE_BUSY_SNAPSHOT, whatever the busy timeout. BEGIN IMMEDIATE takes the
 * write lock up front, waiting for it up to busy_timeout, so every transaction's
 * read-check-write is serial across connections as it was on one.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
