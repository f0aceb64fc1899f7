import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import { fairTurns, TakingTurnsDriver, type TurnOptions } from './fair-turns.ts';

/*
 * How this process's threads share one SQLite file with each other and with the delivery
 * threads (delivery/engine-threads.ts), each thread with connections of its own.
 *
 * Transactions begin IMMEDIATE. Kysely's plain (deferred) BEGIN lets a transaction read and then
 * fail at once with SQLITE_BUSY_SNAPSHOT when it writes after another connection wrote, whatever
 * the busy timeout; taking the write lock up front makes every transaction's read-check-write
 * serial across connections as it was on one.
 *
 * Waiting for that lock stops nothing else:
 * - Not the thread. SQLite's own busy handler sleeps inside the statement in steps growing to
 *   100 ms; while the engine thread held the lock, the main thread's event loop stood still for
 *   50-70 ms at a time (no request parsed, no live update sent), and slept on after the lock was
 *   free. So busy_timeout is 0 (store/db.ts) and the wait is here, trying every millisecond
 *   between event-loop turns.
 * - Not the reads. Transactions run on a connection of their own, everything else on another:
 *   in WAL mode a read never needs the lock, so a live update's lookups and a dashboard's page
 *   do not queue behind publishes waiting for the engine's commit.
 */

/** How long a statement or BEGIN waits for another connection's write lock before failing with SQLITE_BUSY. */
const LOCK_TIMEOUT_MS = 5_000;

const isBusy = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_BUSY');

async function waitingForLock<T>(run: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || performance.now() > deadline) throw error;
    }
    await sleep(1);
  }
}

/**
 * What Kysely holds between acquiring and releasing a connection. Which SQLite connection it
 * is becomes known on first use: the writer's if a transaction begins, the reader's otherwise.
 */
type Drivers = { reader: Driver; writer: Driver; writerInTransaction: () => boolean };

class RoutedConnection implements DatabaseConnection {
  #bound: { driver: Driver; connection: DatabaseConnection } | null = null;
  #inTransaction = false;

  constructor(private readonly drivers: Drivers) {}

  async #on(driver: Driver): Promise<DatabaseConnection> {
    this.#bound ??= { driver, connection: await driver.acquireConnection() };
    return this.#bound.connection;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const connection = await this.#on(this.drivers.reader);
    // Inside a transaction begun IMMEDIATE a statement never meets the lock, and is never run twice.
    return this.#inTransaction ? connection.executeQuery<R>(query) : waitingForLock(() => connection.executeQuery<R>(query));
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not used on SQLite');
  }

  async begin(): Promise<void> {
    const connection = await this.#on(this.drivers.writer);
    await waitingForLock(() => connection.executeQuery(CompiledQuery.raw('begin immediate')));
    this.#inTransaction = true;
  }

  /** COMMIT or ROLLBACK; one that meets SQLITE_BUSY leaves the transaction open and may be tried again. */
  async end(statement: 'commit' | 'rollback'): Promise<void> {
    this.#inTransaction = false;
    // SQLite has already rolled back after some errors (SQLITE_FULL, an I/O error): a ROLLBACK then
    // fails with "no transaction is active" and would stand in for the error that says why.
    if (statement === 'rollback' && !this.drivers.writerInTransaction()) return;
    await this.executeQuery(CompiledQuery.raw(statement));
  }

  async release(): Promise<void> {
    const bound = this.#bound;
    this.#bound = null;
    if (bound) await bound.driver.releaseConnection(bound.connection);
  }
}

class RoutingDriver implements Driver {
  constructor(
    private readonly drivers: Drivers,
    /** Each SQLite connection's own driver, once. */
    private readonly connections: Driver[],
  ) {}

  async init() {
    for (const driver of this.connections) await driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this.drivers);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof RoutedConnection) await connection.release();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof RoutedConnection) await connection.begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof RoutedConnection) await connection.end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof RoutedConnection) await connection.end('rollback');
  }

  async destroy() {
    for (const driver of this.connections) await driver.destroy();
  }
}

type SqliteConnections = {
  /** Transactions run here; `inTransaction` as better-sqlite3's says whether one is open. */
  writer: SqliteDatabase & { readonly inTransaction: boolean };
  /** Everything else; null when there can be only one connection (`:memory:`), which then does both. */
  reader: SqliteDatabase | null;
  /** The reads in turns, when this thread also serves requests (fair-turns.ts). */
  turns?: TurnOptions;
};

export class GatewaySqliteDialect extends SqliteDialect {
  constructor(private readonly connections: SqliteConnections) {
    super({ database: connections.writer });
  }

  override createDriver(): Driver {
    const writer = new SqliteDriver({ database: this.connections.writer });
    const reader = this.connections.reader ? new SqliteDriver({ database: this.connections.reader }) : writer;
    const { turns } = this.connections;
    const writerInTransaction = () => this.connections.writer.inTransaction;
    return new RoutingDriver({ writer, reader: turns ? new TakingTurnsDriver(reader, fairTurns(turns)) : reader, writerInTransaction }, [
      ...new Set([writer, reader]),
    ]);
  }
}
