import type { DatabaseConnection, Driver, SqliteDialectConfig, TransactionSettings } from 'kysely';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';

/*
 * better-sqlite3 runs every statement synchronously on the one thread, and Kysely's promises
 * around it settle as microtasks: a request that issues thousands of statements (a page of
 * webhooks with their statistics) never lets the event loop turn until it is done, and
 * /healthz, other tenants and the delivery worker wait for all of it.
 *
 * So the connection is handed out in turns: whoever holds it runs statements back to back for
 * at most `sliceMs`; then the event loop gets a turn (setImmediate: I/O and timers run), and the
 * next turn goes round-robin to the next request with a statement waiting (requests are told
 * apart by `keyOf`, the request id). A request that arrives while a heavy one runs waits for one
 * slice and one statement, not for the heavy request to end. A statement itself is never
 * interrupted (better-sqlite3 has no progress handler); the cost limits keep each one bounded.
 */
export type TurnOptions = {
  /** Longest run of statements between two turns of the event loop. */
  sliceMs: number;
  /** Which request (or task) a statement belongs to; undefined for background work. */
  keyOf: () => string | undefined;
};

export function fairTurns({ sliceMs, keyOf }: TurnOptions) {
  const waiting = new Map<string, (() => void)[]>();
  let busy = false;
  let sliceStart = performance.now();

  // The next key in round-robin order: the Map's first; a key with more waiting goes to the back.
  function grantNext() {
    const first = waiting.entries().next();
    if (first.done) {
      busy = false;
      return;
    }
    const [key, queue] = first.value;
    const resolve = queue.shift()!;
    waiting.delete(key);
    if (queue.length > 0) waiting.set(key, queue);
    resolve();
  }

  // Hands the turn on (busy stays true until no one waits): now, or after the event loop has
  // turned once the slice is used up.
  function handOn() {
    if (performance.now() - sliceStart < sliceMs) return grantNext();
    setImmediate(() => {
      sliceStart = performance.now();
      grantNext();
    });
  }

  return {
    async acquire(): Promise<void> {
      if (!busy && waiting.size === 0 && performance.now() - sliceStart < sliceMs) {
        busy = true;
        return;
      }
      const key = keyOf() ?? '';
      await new Promise<void>((resolve) => {
        const queue = waiting.get(key);
        if (queue) queue.push(resolve);
        else waiting.set(key, [resolve]);
        if (!busy) {
          busy = true;
          handOn();
        }
      });
    },
    release(): void {
      handOn();
    },
  };
}

type Turns = ReturnType<typeof fairTurns>;

/** Kysely's driver with the connection taken in turns (a transaction holds it for its whole run). */
class TakingTurnsDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly turns: Turns,
  ) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.turns.acquire();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.turns.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection) {
    await this.inner.releaseConnection(connection);
    this.turns.release();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection);
  }

  destroy() {
    return this.inner.destroy();
  }
}

export class TakingTurnsSqliteDialect extends ImmediateSqliteDialect {
  readonly #turns: Turns;

  constructor(config: SqliteDialectConfig, turns: TurnOptions) {
    super(config);
    this.#turns = fairTurns(turns);
  }

  override createDriver(): Driver {
    return new TakingTurnsDriver(super.createDriver(), this.#turns);
  }
}
