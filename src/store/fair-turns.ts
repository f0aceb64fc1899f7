import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';

/*
 * better-sqlite3 runs every statement synchronously on the one thread, and Kysely's promises
 * around it settle as microtasks: a request that issues thousands of statements (a page of
 * webhooks with their statistics) never lets the event loop turn until it is done, and
 * /healthz, other tenants and the delivery worker wait for all of it.
 *
 * So the reading connection (sqlite-dialect.ts) is handed out in turns: whoever holds it runs
 * the statements it has waiting back to back for at most `sliceMs`; then the event loop gets a
 * turn (setImmediate: I/O and timers run), and the next turn goes round-robin to the next
 * request with a statement waiting (requests are told apart by `keyOf`, the request id). A
 * request that arrives while a heavy one runs waits for one slice and one statement, not for
 * the heavy request to end. A statement itself is never interrupted (better-sqlite3 has no
 * progress handler); the cost limits keep each one bounded.
 */
export type TurnOptions = {
  /** Longest run of statements between two turns of the event loop. */
  sliceMs: number;
  /** Which request (or task) a statement belongs to; undefined for background work. */
  keyOf: () => string | undefined;
};

/** The key of statements run in aheadOfTurns: no request id is a symbol. */
const AHEAD = Symbol('ahead of turns');
const ahead = new AsyncLocalStorage<true>();

/**
 * Statements issued inside `run` take the next turn before every request waiting. For a health
 * probe's `select 1`: during a live burst each subscription's lookups are a request of their own
 * in the round, and the probe waited behind all of them (100 ms to 2 s). Never for a request's work.
 */
export function aheadOfTurns<T>(run: () => T): T {
  return ahead.run(true, run);
}

export function fairTurns({ sliceMs, keyOf }: TurnOptions) {
  const waiting = new Map<string | typeof AHEAD, (() => void)[]>();
  let busy = false;
  let sliceStart = performance.now();

  let holder: string | typeof AHEAD | null = null;

  // A statement ahead of turns first. Then the key holding the turn keeps it while it has
  // statements waiting (a burst of parallel lookups, such as a live subscription's, runs in one
  // slice rather than one per round); otherwise the next key in round-robin order, the Map's first.
  function grantNext() {
    const key = waiting.has(AHEAD) ? AHEAD : holder !== null && waiting.has(holder) ? holder : waiting.keys().next().value;
    if (key === undefined) {
      busy = false;
      holder = null;
      return;
    }
    const queue = waiting.get(key)!;
    const resolve = queue.shift()!;
    if (queue.length === 0) waiting.delete(key);
    holder = key;
    resolve();
  }

  // Hands the turn on (busy stays true until no one waits): now, or after the event loop has
  // turned once the slice is used up, when the holder with more waiting goes to the back.
  function handOn() {
    if (performance.now() - sliceStart < sliceMs) return grantNext();
    setImmediate(() => {
      sliceStart = performance.now();
      const queue = holder === null ? undefined : waiting.get(holder);
      if (holder !== null && queue) {
        waiting.delete(holder);
        waiting.set(holder, queue);
      }
      holder = null;
      grantNext();
    });
  }

  return {
    async acquire(): Promise<void> {
      if (!busy && waiting.size === 0 && performance.now() - sliceStart < sliceMs) {
        busy = true;
        return;
      }
      const key = ahead.getStore() ? AHEAD : (keyOf() ?? '');
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

/** Kysely's driver with its connection taken in turns: the reading connection (sqlite-dialect.ts). */
export class TakingTurnsDriver implements Driver {
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
