import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Executor } from './db.ts';
import { databaseNowMs } from './dialect.ts';
import { endpointRates } from './endpoint-rates.ts';

/*
 * What "due" means, written once for its three readers: the claim (leases.ts), the worker's
 * "anything left?" (deliveries.findDue, behind claimer.anyDue) and the queue gauges
 * (metrics/queue.ts). A delivery is due when its time has come, no live holder leases it, its
 * webhook is not paused (held until resumed) and, if rate-capped, has room for an attempt now.
 * The claim adds only what depends on the batch: each webhook's cap of leases.
 */

export type DueRules = {
  /** The app's clock. */
  now: number;
  /** A lease whose holder's heartbeat is older than this (database clock) no longer holds. */
  deadAfterMs: number;
  /** Rate-capped webhooks with no attempt left now (endpoint-rates.ts). */
  withoutRoom: readonly string[];
};

/** The rules at `now`: reads which rate-capped webhooks have no room (one lookup of the capped ones). */
export async function dueRulesAt(db: Executor, now: number, deadAfterMs: number): Promise<DueRules> {
  const { room } = await endpointRates(db).roomAt(now);
  return { now, deadAfterMs, withoutRoom: withoutRoom(room) };
}

export function withoutRoom(room: ReadonlyMap<string, number>): string[] {
  return [...room].filter(([, left]) => left <= 0).map(([id]) => id);
}

/** The lease holder named by `locked_by` has beaten recently: its leases stand. */
export function holderAlive(db: Executor, eb: ExpressionBuilder<Database, 'deliveries'>, deadAfterMs: number): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('instances')
      .select('instances.owner')
      .whereRef('instances.owner', '=', 'deliveries.locked_by')
      .where('instances.heartbeat_at', '>=', eb(databaseNowMs(db), '-', deadAfterMs)),
  );
}

/** The where-clause of a due delivery, for any query over `deliveries`. */
export function isDue(db: Executor, rules: DueRules) {
  const { now, deadAfterMs } = rules;
  return (eb: ExpressionBuilder<Database, 'deliveries'>): Expression<SqlBool> =>
    eb.and([
      eb('deliveries.next_attempt_at', 'is not', null),
      eb('deliveries.next_attempt_at', '<=', now),
      eb.or([
        eb('deliveries.locked_until', 'is', null),
        eb('deliveries.locked_until', '<=', now),
        eb.not(holderAlive(db, eb, deadAfterMs)),
      ]),
      eb('deliveries.webhook_id', 'not in', eb.selectFrom('webhooks').select('webhooks.id').where('webhooks.paused_at', 'is not', null)),
      ...(rules.withoutRoom.length > 0 ? [eb('deliveries.webhook_id', 'not in', rules.withoutRoom)] : []),
    ]);
}
