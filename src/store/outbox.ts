import { newId } from '../domain/ids.ts';
import { storedEventBytes } from '../domain/storage.ts';
import { FilterWork, receives, type RoutedEvent } from '../domain/topic-routing.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { Transaction } from 'kysely';
import type { Database, DeliveryRow, EventRow, Executor } from './db.ts';
import { deliveryRepository } from './deliveries.ts';
import { eventRepository, type NewEvent } from './events.ts';
import { orderingRepository } from './ordering.ts';
import { storageRepository } from './storage.ts';
import type { WebhookCache } from './webhook-cache.ts';

/*
 * The outbox: an event and one delivery per webhook it reaches, written together in the caller's
 * transaction. One rule for every writer of events, a tenant's publish and the gateway's own
 * operational events (services/events.ts, services/webhooks.ts, delivery/recorder.ts), so
 * both are routed by `receives` and sent the same way.
 */

/**
 * A delivery due now; `trigger` marks one a person asked for (TEST) rather than the schedule.
 * One of a keyed event still has to take its place in its key's line (ordering.ts).
 */
export function pendingDelivery(params: {
  tenantId: string;
  eventId: string;
  webhookId: string;
  now: number;
  trigger: 'TEST' | null;
  orderingKey: string | null;
}): DeliveryRow {
  return {
    id: newId('delivery', params.now),
    tenant_id: params.tenantId,
    event_id: params.eventId,
    webhook_id: params.webhookId,
    status: 'PENDING',
    attempt_count: 0,
    next_attempt_at: params.now,
    next_trigger: params.trigger,
    attempt_requests: 0,
    locked_until: null,
    locked_by: null,
    failure_reason: null,
    ordering_key: params.orderingKey,
    ordering_seq: null,
    created_at: params.now,
    updated_at: params.now,
  };
}

/**
 * An event to write: what the events table takes, its id and counts made here, at `now`.
 * `storageCap`: the tenant's storage quota in bytes, for a tenant's publish; absent for the
 * gateway's own events, which are counted but never refused (that would fail the recorder's
 * transaction), as the TEST event of sendTestEvent.
 */
type OutgoingEvent = Omit<NewEvent, 'id' | 'deliveryCount' | 'createdAt'> & { now: number; storageCap?: number | null };

/** What was written: the event, and its deliveries (to announce after the commit). */
export type Written = { event: EventRow; deliveries: DeliveryRow[] };

/**
 * Which of the tenant's webhooks an event reaches, decided before the write transaction opens,
 * so payload filters run while no writer waits. Answers are kept by webhook object: the cache
 * hands the transaction the same objects unless the webhooks changed meanwhile, and a changed
 * one is decided again inside, from what is left of the same work.
 */
type Routing = { readonly decided: ReadonlyMap<Webhook, boolean>; readonly work: FilterWork };

export async function routeAhead(db: Executor, webhooks: WebhookCache, tenantId: string, event: RoutedEvent): Promise<Routing> {
  const work = new FilterWork();
  const candidates = await webhooks.subscribed(db, tenantId, event.topic);
  return { decided: new Map(candidates.map((webhook) => [webhook, receives(webhook, event, work)])), work };
}

/*
 * The gateway's own events (no routing ahead) are not priced: their payloads are small, and
 * refusing one would fail the recorder's transaction.
 */
const unpriced = (): Routing => ({ decided: new Map(), work: new FilterWork(Number.POSITIVE_INFINITY) });

/**
 * Stores the event and a delivery to every enabled webhook of the tenant that `receives` it:
 * PENDING, or WAITING behind an open one of its ordering key; and counts the event's bytes
 * against its tenant (store/storage.ts), refusing it past `storageCap`.
 */
export async function writeEvent(
  trx: Transaction<Database>,
  webhooks: WebhookCache,
  { tenantId, now, storageCap = null, ...event }: OutgoingEvent,
  routing = unpriced(),
): Promise<Written> {
  const candidates = await webhooks.subscribed(trx, tenantId, event.topic);
  const targets = candidates.filter((webhook) => routing.decided.get(webhook) ?? receives(webhook, event, routing.work));
  const eventId = newId('event', now);
  const row = await eventRepository(trx).insert({ id: eventId, tenantId, ...event, deliveryCount: targets.length, createdAt: now });
  const deliveries = await orderingRepository(trx).place(
    targets.map((webhook) =>
      pendingDelivery({ tenantId, eventId, webhookId: webhook.id, now, trigger: null, orderingKey: event.orderingKey }),
    ),
  );
  await deliveryRepository(trx).insertMany(deliveries);
  // Last: on Postgres it locks the tenant's row until the commit. Over the quota it throws, and the rollback takes the rows above.
  await storageRepository(trx).charge(tenantId, storedEventBytes(row.payload), storageCap);
  return { event: row, deliveries };
}
