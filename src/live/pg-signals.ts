import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';

/*
 * Signals between instances on one Postgres: LISTEN on one channel, pg_notify after the
 * writer's transaction has committed (a NOTIFY inside it would serialise every commit on the
 * notify queue lock, graphile/worker#552). A NOTIFY is at-most-once and only a latency hint
 * (pg-boss's notifier says the same): the worker's poll still drains the queue, and a listener
 * that was away misses what was sent meanwhile.
 */

export const SIGNAL_CHANNEL = 'webhook_gateway';

/** Postgres refuses a NOTIFY payload of 8,000 bytes or more; stay clear of it. */
export const MAX_SIGNAL_BYTES = 7_900;

/**
 * What one instance tells the others. Rows never travel: a NOTIFY payload must stay under
 * 8,000 bytes and an attempt row alone may not (4 KiB body, 2 KiB URL), so signals carry ids
 * and listeners read the rows (one query per signal); ids are chunked to fit.
 */
export type Signal =
  /** Deliveries became due: look at the queue now. */
  | { kind: 'wake' }
  /** Rows a transaction committed, for a tenant's live subscribers. */
  | { kind: 'committed'; tenantId: string; attemptIds: string[]; deliveryIds: string[]; eventIds?: string[] }
  /** An API key was revoked: its subscriptions end everywhere. */
  | { kind: 'revoke'; keyId: string };

type Envelope = { from: string; signal: Signal };

export type SignalsOptions = {
  url: string;
  db: Db;
  /** This process; its own signals are not handed back to it. */
  owner: string;
  logger: Logger;
  /** Called for every signal from another instance, one at a time, in the order they arrived. */
  onSignal: (signal: Signal) => Promise<void> | void;
};

export function createPgSignals({ url, db, owner, logger, onSignal }: SignalsOptions) {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = 250;
  // Signals are handled strictly in arrival order, also when one needs a database read.
  let handling: Promise<void> = Promise.resolve();

  function handle(payload: string | undefined) {
    if (!payload) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload);
    } catch {
      return;
    }
    if (envelope.from === owner) return;
    handling = handling.then(async () => {
      try {
        await onSignal(envelope.signal);
      } catch (error) {
        logger.warn({ err: error, kind: envelope.signal.kind }, 'a signal from another instance could not be handled');
      }
    });
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const next = new pg.Client({ connectionString: url, application_name: 'webhook-gateway-listen' });
    next.on('notification', (message) => handle(message.payload));
    // A dropped connection (server restart, failover) is reopened; the poll covers the gap.
    const reconnect = (error?: unknown) => {
      if (client !== next) return;
      client = null;
      if (error) logger.warn({ err: error }, 'lost the LISTEN connection to Postgres; reconnecting');
      void next.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(), retryMs).unref();
      retryMs = Math.min(retryMs * 2, 10_000);
    };
    next.on('error', reconnect);
    next.on('end', () => reconnect());
    client = next;
    try {
      await next.connect();
      await next.query(`listen ${SIGNAL_CHANNEL}`);
      retryMs = 250;
    } catch (error) {
      reconnect(error);
    }
  }

  return {
    start: connect,

    /** Sends signals to every other instance, in one statement; call it after the transaction they speak of has committed. */
    async send(signals: readonly Signal[]): Promise<void> {
      const payloads = signals.flatMap((signal) =>
        fitted(signal).map((one) => JSON.stringify({ from: owner, signal: one } satisfies Envelope)),
      );
      if (payloads.length === 0) return;
      try {
        await sql`select pg_notify(${SIGNAL_CHANNEL}, payload) from unnest(${payloads}::text[]) with ordinality as p(payload, n) order by n`.execute(
          db,
        );
      } catch (error) {
        // The write it speaks of has committed; only the hint is lost, and the poll covers it.
        logger.warn({ err: error }, 'could not signal other instances');
      }
    },

    /** Whether the LISTEN connection is up (for health and tests). */
    get listening() {
      return client !== null;
    },

    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
      await handling;
    },
  };
}

export type PgSignals = ReturnType<typeof createPgSignals>;

/** A signal as one or more payloads under NOTIFY's limit: long id lists are split. */
function fitted(signal: Signal): Signal[] {
  if (signal.kind !== 'committed' || JSON.stringify(signal).length < MAX_SIGNAL_BYTES - 200) return [signal];
  const ids = [
    ...signal.attemptIds.map((id) => ['a', id] as const),
    ...signal.deliveryIds.map((id) => ['d', id] as const),
    ...(signal.eventIds ?? []).map((id) => ['e', id] as const),
  ];
  // ULIDs with their prefix are about 30 characters; 200 ids stay well under the limit.
  const out: Signal[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    out.push({
      kind: 'committed',
      tenantId: signal.tenantId,
      attemptIds: chunk.filter(([kind]) => kind === 'a').map(([, id]) => id),
      deliveryIds: chunk.filter(([kind]) => kind === 'd').map(([, id]) => id),
      eventIds: chunk.filter(([kind]) => kind === 'e').map(([, id]) => id),
    });
  }
  return out;
}
