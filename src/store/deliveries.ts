import { ENDED_UNSENT, openStatuses, type AttemptTrigger, type DeliveryStatus } from '../domain/delivery-lifecycle.ts';
import { firstIdAt } from '../domain/ids.ts';
import type { ExpressionBuilder, Updateable } from 'kysely';
import type { Database, DeliveryRow, DeliveryTable, Executor, NewDeliveryRow } from './db.ts';
import { cappedCount } from './capped-count.ts';
import { isDue, type DueRules } from './due.ts';
import { byId, keysetPage, type Page, type PageArgs } from './keyset.ts';
import { prepared } from './prepared.ts';

/** An attempt's recording; failure_reason only when the outcome gives one (set, never cleared). */
type DeliveryChange = Pick<DeliveryRow, 'status' | 'attempt_count' | 'next_attempt_at' | 'updated_at'> &
  Partial<Pick<DeliveryRow, 'failure_reason'>>;

/** The tenant-wide deliveries connection's filter; `since` and `until` are epoch ms, `until` exclusive. */
export type DeliveryFilter = {
  webhookId?: string | null;
  status?: DeliveryStatus | null;
  topic?: string | null;
  since?: number | null;
  until?: number | null;
};

/** FAILED deliveries of one webhook created in [since, until): what a recovery resends. */
type RecoveryWindow = { tenantId: string; webhookId: string; since: number; until: number };

/** What a claim read of the delivery it leased, as far as recording the attempt needs it. */
type ClaimedState = Pick<DeliveryRow, 'id' | 'status' | 'attempt_count' | 'attempt_requests'>;

/**
 * A person's request for an attempt now (redeliver, a recovery), counted: the row may be leased
 * with an attempt in flight, and its recording must not take this request for the one it answered.
 */
const attemptRequested = (trigger: AttemptTrigger, now: number) => (eb: ExpressionBuilder<Database, 'deliveries'>) => ({
  next_attempt_at: now,
  next_trigger: trigger,
  updated_at: now,
  attempt_requests: eb('attempt_requests', '+', 1),
});

/**
 * What recording an attempt writes: its outcome, the lease ended, the trigger it answered
 * cleared. A request made after the claim (attempt_requests moved on) is still to be answered,
 * whatever this attempt's outcome: its time and trigger stay, so exactly one more attempt follows.
 */
const movedOn = (eb: ExpressionBuilder<Database, 'deliveries'>, claimedRequests: number, change: DeliveryChange) => {
  const requestedSince = eb('attempt_requests', '!=', claimedRequests);
  return {
    ...change,
    next_attempt_at: eb.case().when(requestedSince).then(eb.ref('next_attempt_at')).else(change.next_attempt_at).end(),
    next_trigger: eb.case().when(requestedSince).then(eb.ref('next_trigger')).else(null).end(),
    locked_until: null,
    locked_by: null,
  };
};

// Every attempt's recording runs this (updateFrom).
const moveOnFromClaim = prepared(
  (
    db,
    {
      id,
      claimed_status,
      claimed_attempt_count,
      claimed_requests,
      ...change
    }: DeliveryChange & { id: string; claimed_status: DeliveryStatus; claimed_attempt_count: number; claimed_requests: number },
  ) =>
    db
      .updateTable('deliveries')
      .set((eb) => movedOn(eb, claimed_requests, change))
      .where('id', '=', id)
      .where('status', '=', claimed_status)
      .where('attempt_count', '=', claimed_attempt_count)
      .returningAll(),
);

export function deliveryRepository(db: Executor) {
  const ofWebhook = (tenantId: string, webhookId: string, status?: DeliveryStatus | null) => {
    let query = db.selectFrom('deliveries').where('tenant_id', '=', tenantId).where('webhook_id', '=', webhookId);
    if (status) query = query.where('status', '=', status);
    return query;
  };

  // Ids are ULIDs minted at created_at: the time window is an id range, which every index ending in id serves.
  const matching = (tenantId: string, filter: DeliveryFilter) => {
    let query = db.selectFrom('deliveries').where('deliveries.tenant_id', '=', tenantId);
    if (filter.webhookId) query = query.where('deliveries.webhook_id', '=', filter.webhookId);
    if (filter.status) query = query.where('deliveries.status', '=', filter.status);
    if (filter.since != null) query = query.where('deliveries.id', '>=', firstIdAt('delivery', filter.since));
    if (filter.until != null) query = query.where('deliveries.id', '<', firstIdAt('delivery', filter.until));
    if (filter.topic) {
      const topic = filter.topic;
      query = query.where((eb) =>
        eb.exists(
          eb.selectFrom('events').select('events.id').whereRef('events.id', '=', 'deliveries.event_id').where('events.topic', '=', topic),
        ),
      );
    }
    return query;
  };

  const recoverable = (window: RecoveryWindow) =>
    db
      .selectFrom('deliveries')
      .where('tenant_id', '=', window.tenantId)
      .where('webhook_id', '=', window.webhookId)
      .where('status', '=', 'FAILED')
      .where('created_at', '>=', window.since)
      .where('created_at', '<', window.until);

  return {
    async insertMany(rows: NewDeliveryRow[]): Promise<void> {
      // SQLite caps bound parameters per statement; 11 columns x 500 rows stays well under it.
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('deliveries')
          .values(rows.slice(i, i + 500))
          .execute();
    },

    /**
     * Inserts those not already there for their (event, webhook), in one statement per chunk:
     * the unique index decides, so concurrent or repeated inserts create each delivery once.
     * Returns the rows it created.
     */
    async insertNew(rows: NewDeliveryRow[]): Promise<DeliveryRow[]> {
      const created: DeliveryRow[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        created.push(
          ...(await db
            .insertInto('deliveries')
            .values(chunk)
            .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
            .returningAll()
            .execute()),
        );
      }
      return created;
    },

    async findById(tenantId: string, id: string): Promise<DeliveryRow | undefined> {
      return db.selectFrom('deliveries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<DeliveryRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('deliveries').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    },

    async listByEvents(tenantId: string, eventIds: readonly string[]): Promise<DeliveryRow[]> {
      if (eventIds.length === 0) return [];
      return db
        .selectFrom('deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('event_id', 'in', eventIds)
        .orderBy('id')
        .execute();
    },

    async pageByWebhook(
      tenantId: string,
      webhookId: string,
      status: DeliveryStatus | null | undefined,
      args: PageArgs,
    ): Promise<Page<DeliveryRow>> {
      return keysetPage(
        args,
        byId(() => ofWebhook(tenantId, webhookId, status).selectAll()),
      );
    },

    async page(tenantId: string, filter: DeliveryFilter, args: PageArgs): Promise<Page<DeliveryRow>> {
      return keysetPage(
        args,
        byId(() => matching(tenantId, filter).selectAll('deliveries')),
      );
    },

    /** Capped: at most COUNT_CAP + 1 (capped-count.ts). */
    async count(tenantId: string, filter: DeliveryFilter): Promise<number> {
      return cappedCount(db, matching(tenantId, filter));
    },

    async countRecoverable(window: RecoveryWindow): Promise<number> {
      const { count } = await recoverable(window)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return count;
    },

    /** The oldest `limit` a recovery would resend. */
    async firstRecoverable(window: RecoveryWindow, limit: number): Promise<DeliveryRow[]> {
      return recoverable(window).selectAll().orderBy('id').limit(limit).execute();
    },

    /** A MANUAL attempt now for the oldest `limit` of them, in one statement; returns those it moved. */
    async requestAttemptForRecoverable(window: RecoveryWindow, limit: number, now: number): Promise<DeliveryRow[]> {
      return db
        .updateTable('deliveries')
        .set(attemptRequested('MANUAL', now))
        .where('id', 'in', recoverable(window).select('id').orderBy('id').limit(limit))
        .returningAll()
        .execute();
    },

    /** Capped: at most COUNT_CAP + 1 (capped-count.ts). */
    async countByWebhook(tenantId: string, webhookId: string, status: DeliveryStatus | null | undefined): Promise<number> {
      return cappedCount(db, ofWebhook(tenantId, webhookId, status));
    },

    /** Due deliveries (store/due.ts), oldest due first. */
    async findDue(rules: DueRules, limit: number): Promise<DeliveryRow[]> {
      return db.selectFrom('deliveries').selectAll().where(isDue(db, rules)).orderBy('next_attempt_at').limit(limit).execute();
    },

    /** Moves a claimed delivery on whatever its state now, keeping a request made since the claim (movedOn). */
    async update(claimed: Pick<ClaimedState, 'id' | 'attempt_requests'>, change: DeliveryChange): Promise<DeliveryRow> {
      return db
        .updateTable('deliveries')
        .set((eb) => movedOn(eb, claimed.attempt_requests, change))
        .where('id', '=', claimed.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Due again at `at`, unchanged otherwise (status, attempts, trigger), its lease ended; only if the claim still holds. */
    async putBack(claimed: Pick<DeliveryRow, 'id' | 'status' | 'attempt_count'>, at: number): Promise<void> {
      await db
        .updateTable('deliveries')
        .set({ next_attempt_at: at, locked_until: null, locked_by: null })
        .where('id', '=', claimed.id)
        .where('status', '=', claimed.status)
        .where('attempt_count', '=', claimed.attempt_count)
        .execute();
    },

    /**
     * Moves a delivery on from the state a claim read, in one statement; undefined when its
     * status or attempt count changed since (the caller reads it and decides again).
     */
    async updateFrom(claimed: ClaimedState, change: DeliveryChange): Promise<DeliveryRow | undefined> {
      const { rows } = await moveOnFromClaim(db, {
        ...change,
        id: claimed.id,
        claimed_status: claimed.status,
        claimed_attempt_count: claimed.attempt_count,
        claimed_requests: claimed.attempt_requests,
      });
      return rows[0];
    },

    /** Asks for an attempt now, outside the retry schedule. */
    async requestAttempt(tenantId: string, id: string, trigger: AttemptTrigger, now: number): Promise<DeliveryRow | undefined> {
      return db
        .updateTable('deliveries')
        .set(attemptRequested(trigger, now))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * A webhook's deliveries still to be sent: while it is paused, those it holds. The count is
     * capped (capped-count.ts); the oldest is the first by id of each open status (ids sort by
     * creation time, domain/ids.ts), one index seek each instead of a min() over every held row.
     */
    async heldBy(tenantId: string, webhookId: string): Promise<{ count: number; oldestAt: number | null }> {
      const [count, ...firsts] = await Promise.all([
        cappedCount(db, ofWebhook(tenantId, webhookId).where('status', 'in', openStatuses)),
        ...openStatuses.map((status) =>
          ofWebhook(tenantId, webhookId, status).select('created_at').orderBy('id').limit(1).executeTakeFirst(),
        ),
      ]);
      const created = firsts.flatMap((row) => (row ? [row.created_at] : []));
      return { count, oldestAt: created.length > 0 ? Math.min(...created) : null };
    },

    /**
     * Fails, with `reason`, the webhook's held deliveries created before `before` and those
     * beyond the newest `keep`; leased ones (in flight since before the pause) are left to finish.
     */
    async failHeld(
      webhookId: string,
      limits: { before: number; keep: number; reason: (cause: 'age' | 'count') => string },
      now: number,
    ): Promise<DeliveryRow[]> {
      const held = (eb: ExpressionBuilder<Database, 'deliveries'>) =>
        eb.and([
          eb('webhook_id', '=', webhookId),
          eb('status', 'in', openStatuses),
          eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]),
        ]);
      const ended = (cause: 'age' | 'count'): Updateable<DeliveryTable> => ({
        status: ENDED_UNSENT,
        next_attempt_at: null,
        next_trigger: null,
        failure_reason: limits.reason(cause),
        updated_at: now,
      });
      const tooOld = await db
        .updateTable('deliveries')
        .set(ended('age'))
        .where(held)
        .where('created_at', '<', limits.before)
        .returningAll()
        .execute();
      const beyond = await db
        .selectFrom('deliveries')
        .select('id')
        .where(held)
        .orderBy('id', 'desc')
        .offset(limits.keep)
        .limit(1_000_000)
        .execute();
      if (beyond.length === 0) return tooOld;
      const tooMany = await db
        .updateTable('deliveries')
        .set(ended('count'))
        .where(
          'id',
          'in',
          beyond.map((row) => row.id),
        )
        .returningAll()
        .execute();
      return [...tooOld, ...tooMany];
    },

    /**
     * Ends every delivery still waiting for this webhook (statusWhenEnded, in SQL); they stay as
     * history. A lease stays: its attempt is still in flight, and until it is recorded no claim
     * may send the delivery beside it (a redeliver asked for meanwhile waits for it).
     */
    async failPending(webhookId: string, now: number): Promise<DeliveryRow[]> {
      return db
        .updateTable('deliveries')
        .set({ status: ENDED_UNSENT, next_attempt_at: null, next_trigger: null, updated_at: now })
        .where('webhook_id', '=', webhookId)
        .where('status', 'in', openStatuses)
        .returningAll()
        .execute();
    },
  };
}
