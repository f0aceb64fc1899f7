import { sql, type QueryCreator, type Transaction } from 'kysely';
import type { Database, Db, DeliveryRow } from './db.ts';
import { holderAlive, isDue, withoutRoom } from './due.ts';
import { endpointRates } from './endpoint-rates.ts';
import { databaseNowMs, engineOf, tryLockName } from './dialect.ts';

/*
 * The queue's claim, for one process or many on one database. Modelled on graphile/worker's
 * getJobs and convoy's queue: one statement finds the webhooks with open deliveries (a loose
 * index scan), takes each one's oldest due rows (store/due.ts) by a seek, and leases the oldest
 * of those to this holder by name; its work grows with webhooks, not with any one's backlog
 * (test/claim-backlog.test.ts). The per-webhook cap and the rate log count what earlier claims
 * committed, so claims of one webhook take turns: on Postgres on that webhook's advisory lock,
 * tried and never waited for (lockCandidates), so claims of other webhooks, on any instance, go
 * on meanwhile (test/postgres-claim.test.ts); on SQLite under the one write lock.
 * Rows a recorder is writing are skipped (SKIP LOCKED), not waited for. A lease is held until
 * `locked_until`, or until its holder's heartbeat stops: then any instance may take it at once.
 */

type ClaimParams = {
  /** The app's clock: what is due, and until when the lease holds. */
  now: number;
  /** Deliveries wanted at most. */
  limit: number;
  /** Leases one webhook may hold at once, over all instances. */
  perWebhookCap: number;
  leaseMs: number;
  /** This process: its `instances.owner`. */
  owner: string;
  /** A holder whose heartbeat is older than this (database clock) is dead. */
  deadAfterMs: number;
};

/**
 * Postgres: the webhooks this claim may fill, each locked for the rest of its transaction. The
 * candidates are the webhooks with a due delivery, below their cap and not paused, oldest due
 * first, at most `limit` (one lock each; a claim fills no more webhooks than it has slots). Their
 * locks are tried, never waited for, so claims of different webhooks never wait on each other and
 * a claim cannot deadlock; one that finds a webhook taken skips it this round. The count below is
 * a hint: the leasing statement counts again under the lock.
 */
async function lockCandidates(
  trx: Transaction<Database>,
  params: { now: number; deadAfterMs: number; perWebhookCap: number; limit: number },
): Promise<string[]> {
  const { now, deadAfterMs, perWebhookCap, limit } = params;
  const rows = await trx
    .withRecursive('hooks(webhook_id)', openWebhooks)
    .with(
      (cte) => cte('candidates').materialized(),
      (qb) =>
        qb
          .selectFrom('hooks')
          .innerJoinLateral(
            (eb) =>
              eb
                .selectFrom('deliveries')
                .select('deliveries.next_attempt_at')
                .whereRef('deliveries.webhook_id', '=', 'hooks.webhook_id')
                .where(isDue(trx, { now, deadAfterMs, withoutRoom: [] }))
                .orderBy('deliveries.next_attempt_at')
                .orderBy('deliveries.id')
                .limit(1)
                .as('first_due'),
            (join) => join.onTrue(),
          )
          .select('hooks.webhook_id as id')
          .where('hooks.webhook_id', 'is not', null)
          .where((eb) =>
            eb(
              eb
                .selectFrom('deliveries')
                .select((eb) => eb.fn.countAll<number>().as('leased'))
                .whereRef('deliveries.webhook_id', '=', 'hooks.webhook_id')
                .where('deliveries.locked_until', '>', now)
                .where((eb) => holderAlive(trx, eb, deadAfterMs)),
              '<',
              perWebhookCap,
            ),
          )
          .orderBy('first_due.next_attempt_at')
          .limit(limit),
    )
    .selectFrom('candidates')
    .select([
      'candidates.id',
      sql<boolean>`pg_try_advisory_xact_lock(hashtextextended('webhook-claim' || chr(1) || ${sql.ref('candidates.id')}, 0))`.as('got'),
    ])
    .execute();
  return rows.filter((row) => row.got).map((row) => row.id as string);
}

/** Each webhook with open deliveries, one index seek each: a loose index scan of deliveries_webhook_due. */
function openWebhooks(qb: QueryCreator<Database & { hooks: { webhook_id: string | null } }>) {
  return qb
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min<string | null>('deliveries.webhook_id').as('webhook_id'))
    .where('deliveries.next_attempt_at', 'is not', null)
    .unionAll((qb) =>
      qb
        .selectFrom('hooks')
        .select((eb) =>
          eb
            .selectFrom('deliveries')
            .select((eb) => eb.fn.min('deliveries.webhook_id').as('next'))
            .where('deliveries.next_attempt_at', 'is not', null)
            .whereRef('deliveries.webhook_id', '>', 'hooks.webhook_id')
            .as('webhook_id'),
        )
        .where('hooks.webhook_id', 'is not', null),
    );
}

export function leaseRepository(db: Db) {
  // When the last claim left a rate-capped webhook waiting: the time it gets room again.
  let nextRoomAt: number | null = null;

  return {
    /**
     * Leases up to `limit` due deliveries, oldest due first, keeping every webhook at or under
     * `perWebhookCap` leases in total (the leases other instances hold included).
     */
    async claim(params: ClaimParams): Promise<DeliveryRow[]> {
      const { now, limit, perWebhookCap, leaseMs, owner, deadAfterMs } = params;
      if (limit <= 0) return [];
      const postgres = engineOf(db) === 'postgres';
      return db.transaction().execute(async (trx) => {
        // The cap and the rate log count what other claims committed. On Postgres each webhook's
        // claims take turns on its own lock, tried and never waited for (a claim skips a webhook
        // another is filling); on SQLite the write lock makes every claim one at a time.
        const locked = postgres ? await lockCandidates(trx, { now, deadAfterMs, perWebhookCap, limit }) : null;
        if (locked?.length === 0) return [];
        const rateLog = endpointRates(trx);
        const rates = await rateLog.roomAt(now);
        const pausedOrFull = withoutRoom(rates.room);
        const claimed = await trx
          // The webhooks with open deliveries, one index seek each (a loose index scan of
          // deliveries_webhook_due), so a claim's work grows with webhooks, never with a backlog.
          .withRecursive('hooks(webhook_id)', openWebhooks)
          .with('busy', (qb) =>
            qb
              .selectFrom('deliveries')
              .select((eb) => ['deliveries.webhook_id', eb.fn.countAll<number>().as('leased')])
              .where('deliveries.locked_until', 'is not', null)
              .where('deliveries.locked_until', '>', now)
              .where((eb) => holderAlive(trx, eb, deadAfterMs))
              .groupBy('deliveries.webhook_id'),
          )
          // Webhooks with a rate cap and the claims left to them now (store/endpoint-rates.ts).
          .with('rated', (qb) =>
            qb
              .selectFrom('webhooks')
              .select((eb) => [
                'webhooks.id as webhook_id',
                rates.room.size === 0
                  ? eb.ref('webhooks.rate_limit_per_second').as('room')
                  : sql<number>`case ${sql.join(
                      [...rates.room].map(([id, room]) => sql`when ${sql.ref('webhooks.id')} = ${id} then cast(${room} as integer)`),
                      sql` `,
                    )} else ${sql.ref('webhooks.rate_limit_per_second')} end`.as('room'),
              ])
              .where('webhooks.rate_limit_per_second', 'is not', null),
          )
          .with(
            (cte) => cte('due').materialized(),
            (qb) => {
              // Each webhook that may take work now gives its oldest due rows, at most its cap, by
              // one seek: webhooks at their cap, paused or out of rate room are never walked.
              const open = qb
                .selectFrom('hooks')
                .where('hooks.webhook_id', 'is not', null)
                .where('hooks.webhook_id', 'not in', (sub) =>
                  sub.selectFrom('busy').select('busy.webhook_id').where('busy.leased', '>=', perWebhookCap),
                )
                .where('hooks.webhook_id', 'not in', (sub) =>
                  sub.selectFrom('webhooks').select('webhooks.id').where('webhooks.paused_at', 'is not', null),
                )
                .$if(pausedOrFull.length > 0, (qb) => qb.where('hooks.webhook_id', 'not in', pausedOrFull))
                .$if(locked !== null, (qb) => qb.where('hooks.webhook_id', 'in', locked!));
              const oldest = trx
                .selectFrom('deliveries')
                .where('deliveries.webhook_id', '=', sql.ref<string>('hooks.webhook_id'))
                // Due (store/due.ts): its time has come, no live lease, its webhook neither paused nor out of rate room.
                .where(isDue(trx, { now, deadAfterMs, withoutRoom: pausedOrFull }))
                // One order for every claim: batches cannot lock each other's rows in opposite orders.
                .orderBy('deliveries.next_attempt_at')
                .orderBy('deliveries.id')
                .limit(perWebhookCap);
              // A row a recorder is writing is skipped, not waited for; the next poll takes it.
              return postgres
                ? open
                    .innerJoinLateral(
                      oldest
                        .select(['deliveries.id', 'deliveries.webhook_id', 'deliveries.next_attempt_at'])
                        .forUpdate()
                        .skipLocked()
                        .as('picked'),
                      (join) => join.onTrue(),
                    )
                    .select(['picked.id', 'picked.webhook_id', 'picked.next_attempt_at'])
                : open
                    .innerJoin('deliveries as picked', (join) => join.on('picked.id', 'in', oldest.select('deliveries.id')))
                    .select(['picked.id', 'picked.webhook_id', 'picked.next_attempt_at']);
            },
          )
          .with('ranked', (qb) =>
            qb
              .selectFrom('due')
              .leftJoin('busy', 'busy.webhook_id', 'due.webhook_id')
              .leftJoin('rated', 'rated.webhook_id', 'due.webhook_id')
              .select((eb) => [
                'due.id',
                'due.next_attempt_at',
                eb.fn.coalesce('busy.leased', eb.lit(0)).as('leased'),
                'rated.room',
                eb.fn
                  .agg<number>('row_number')
                  .over((over) => over.partitionBy('due.webhook_id').orderBy('due.next_attempt_at').orderBy('due.id'))
                  .as('rank'),
              ]),
          )
          .updateTable('deliveries')
          .set({ locked_until: now + leaseMs, locked_by: owner })
          .where('deliveries.id', 'in', (qb) =>
            qb
              .selectFrom('ranked')
              .select('ranked.id')
              .where((eb) => eb(eb('ranked.rank', '+', eb.ref('ranked.leased')), '<=', perWebhookCap))
              .where((eb) => eb.or([eb('ranked.room', 'is', null), eb('ranked.rank', '<=', eb.ref('ranked.room'))]))
              .orderBy('ranked.next_attempt_at')
              .orderBy('ranked.id')
              .limit(limit),
          )
          .returningAll()
          .execute();
        const perWebhook = new Map<string, number>();
        for (const delivery of claimed) perWebhook.set(delivery.webhook_id, (perWebhook.get(delivery.webhook_id) ?? 0) + 1);
        await rateLog.record(perWebhook, rates.recent, now);
        nextRoomAt = rates.nextRoomAt;
        return claimed;
      });
    },

    /** After a claim that left a rate-capped webhook without room: when it gets some back. */
    nextRoomAt(): number | null {
      return nextRoomAt;
    },

    /** This process is alive (and registered, the first time). */
    async heartbeat(owner: string, instanceId: string, startedAt: number): Promise<void> {
      await db
        .insertInto('instances')
        .values({ owner, instance_id: instanceId, started_at: startedAt, heartbeat_at: databaseNowMs(db) })
        .onConflict((conflict) => conflict.column('owner').doUpdateSet({ heartbeat_at: databaseNowMs(db) }))
        .execute();
    },

    /**
     * These holders are gone: their leases may be taken at once. A process retires itself on a
     * clean stop, and at start retires its earlier lives under the same instance id.
     */
    async retire(filter: { owner: string } | { instanceId: string; exceptOwner: string }): Promise<number> {
      let query = db.deleteFrom('instances');
      query =
        'owner' in filter
          ? query.where('owner', '=', filter.owner)
          : query.where('instance_id', '=', filter.instanceId).where('owner', '!=', filter.exceptOwner);
      return Number((await query.executeTakeFirst()).numDeletedRows);
    },

    /**
     * Takes this period's turn at a chore for the whole cluster: true for exactly one caller per
     * `everyMs` (instances racing for it take turns on an advisory lock), false for the rest.
     */
    async takeTurn(task: string, now: number, everyMs: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        if (!(await tryLockName(trx, 'housekeeping', task))) return false;
        const last = await trx.selectFrom('housekeeping').select('last_run_at').where('task', '=', task).executeTakeFirst();
        if (last && now - last.last_run_at < everyMs) return false;
        await trx
          .insertInto('housekeeping')
          .values({ task, last_run_at: now })
          .onConflict((conflict) => conflict.column('task').doUpdateSet({ last_run_at: now }))
          .execute();
        return true;
      });
    },

    /** Holders silent for longer than `olderThanMs` are forgotten; their leases were free long before. */
    async forgetSilent(olderThanMs: number): Promise<void> {
      await db
        .deleteFrom('instances')
        .where((eb) => eb('heartbeat_at', '<', eb(databaseNowMs(db), '-', olderThanMs)))
        .execute();
    },
  };
}
