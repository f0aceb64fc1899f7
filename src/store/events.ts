import { sql } from 'kysely';
import type { EventRow, Executor, NewEventRow } from './db.ts';
import { escapeLike } from './dialect.ts';
import { byId, keysetPage, type Page, type PageArgs } from './keyset.ts';
import { prepared, returnedRow } from './prepared.ts';
import { cappedCount } from './capped-count.ts';
import { EVENT_ROW_OVERHEAD_BYTES } from '../domain/storage.ts';
import { byteLengthSql } from './dialect.ts';
import type { Freed } from './storage.ts';

export type NewEvent = {
  id: string;
  tenantId: string;
  topic: string;
  payload: unknown;
  channelType: string | null;
  echo: boolean;
  idempotencyKey: string | null;
  orderingKey: string | null;
  /** Kept for the whole event retention even if it reaches no webhook. */
  retain: boolean;
  deliveryCount: number;
  createdAt: number;
};

/** What a deleted event counted against its tenant, in SQL: the same sum as domain/storage.ts's storedEventBytes. */
const storedBytes = (db: Executor) => sql<number>`${byteLengthSql(db, 'payload')} + ${sql.lit(EVENT_ROW_OVERHEAD_BYTES)}`.as('bytes');

// Every publish writes one.
const insertEvent = prepared((db, row: NewEventRow) => db.insertInto('events').values(row).returningAll());

export function eventRepository(db: Executor) {
  const inTenant = (tenantId: string, topic?: string | null) => {
    let query = db.selectFrom('events').where('tenant_id', '=', tenantId);
    if (topic) query = query.where('topic', '=', topic);
    return query;
  };

  return {
    async insert(event: NewEvent): Promise<EventRow> {
      const inserted = await insertEvent(db, {
        id: event.id,
        tenant_id: event.tenantId,
        topic: event.topic,
        payload: JSON.stringify(event.payload),
        channel_type: event.channelType,
        echo: event.echo ? 1 : 0,
        idempotency_key: event.idempotencyKey,
        ordering_key: event.orderingKey,
        delivery_count: event.deliveryCount,
        retain: event.retain ? 1 : 0,
        created_at: event.createdAt,
      });
      return returnedRow(inserted);
    },

    /** The first event published with this key since `since`, if any. */
    async findByIdempotencyKey(tenantId: string, key: string, since: number): Promise<EventRow | undefined> {
      return db
        .selectFrom('events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('idempotency_key', '=', key)
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
    },

    async findById(tenantId: string, id: string): Promise<EventRow | undefined> {
      return inTenant(tenantId).selectAll().where('id', '=', id).executeTakeFirst();
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<EventRow[]> {
      if (ids.length === 0) return [];
      return inTenant(tenantId).selectAll().where('id', 'in', ids).execute();
    },

    async page(tenantId: string, topic: string | null | undefined, args: PageArgs): Promise<Page<EventRow>> {
      return keysetPage(
        args,
        byId(() => inTenant(tenantId, topic).selectAll()),
      );
    },

    /**
     * Events of the tenant with ids in [fromId, untilId), oldest first, that hold a topic some of
     * `patterns` could match (the index narrows; `receives` decides) and have no delivery to
     * this webhook yet. `afterId` continues a scan after its last row.
     */
    async replayCandidates(params: {
      tenantId: string;
      webhookId: string;
      patterns: readonly string[];
      fromId: string;
      afterId: string | null;
      untilId: string;
      excludeTopic: string;
      limit: number;
    }): Promise<EventRow[]> {
      const exact = params.patterns.filter((pattern) => !pattern.endsWith('*'));
      const prefixes = params.patterns.filter((pattern) => pattern.endsWith('.*')).map((pattern) => pattern.slice(0, -1));
      const everything = params.patterns.includes('*');
      return db
        .selectFrom('events')
        .selectAll()
        .where('tenant_id', '=', params.tenantId)
        .where('id', '>=', params.fromId)
        .$if(params.afterId !== null, (query) => query.where('id', '>', params.afterId!))
        .where('id', '<', params.untilId)
        .where('topic', '!=', params.excludeTopic)
        .$if(!everything, (query) =>
          query.where((eb) =>
            eb.or([
              ...(exact.length > 0 ? [eb('topic', 'in', exact)] : []),
              ...prefixes.map((prefix) => sql<boolean>`${eb.ref('topic')} like ${`${escapeLike(prefix)}%`} escape '\\'`),
            ]),
          ),
        )
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('deliveries')
                .select('deliveries.id')
                .whereRef('deliveries.event_id', '=', 'events.id')
                .where('deliveries.webhook_id', '=', params.webhookId),
            ),
          ),
        )
        .orderBy('id')
        .limit(params.limit)
        .execute();
    },

    /**
     * Deletes up to `limit` events created before `cutoffId` (ULIDs sort by time) none of whose
     * deliveries has an attempt still to come; their deliveries and attempts go with them.
     * Answers what each deleted event counted against its tenant, for storage.release in the
     * same transaction.
     */
    async deleteSettledBefore(cutoffId: string, limit: number): Promise<Freed[]> {
      return db
        .deleteFrom('events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('events as e')
            .select('e.id')
            .where('e.id', '<', cutoffId)
            .where((inner) =>
              inner.not(
                inner.exists(
                  inner
                    .selectFrom('deliveries')
                    .select('deliveries.id')
                    .whereRef('deliveries.event_id', '=', 'e.id')
                    // A WAITING delivery has nothing scheduled yet, but its turn is still to come.
                    .where((eb) => eb.or([eb('deliveries.next_attempt_at', 'is not', null), eb('deliveries.status', '=', 'WAITING')])),
                ),
              ),
            )
            .limit(limit),
        )
        .returning(['tenant_id', storedBytes(db)])
        .execute();
    },

    /**
     * Deletes up to `limit` events created before `cutoffId` that reached no webhook when
     * published, were not published with `retain`, and have no delivery since (a replay may have
     * given one some). Read through the events_unmatched index (migration 0017), so the events
     * that reached webhooks are never walked. Answers what they counted, as deleteSettledBefore.
     */
    async deleteUnmatchedBefore(cutoffId: string, limit: number): Promise<Freed[]> {
      return db
        .deleteFrom('events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('events as e')
            .select('e.id')
            .where('e.id', '<', cutoffId)
            .where('e.delivery_count', '=', 0)
            .where('e.retain', '=', 0)
            .where((inner) =>
              inner.not(inner.exists(inner.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'e.id'))),
            )
            .limit(limit),
        )
        .returning(['tenant_id', storedBytes(db)])
        .execute();
    },

    /** Capped: at most COUNT_CAP + 1 (capped-count.ts). */
    async count(tenantId: string, topic: string | null | undefined): Promise<number> {
      return cappedCount(db, inTenant(tenantId, topic));
    },
  };
}
