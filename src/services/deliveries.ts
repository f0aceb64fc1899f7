import type { Clock } from '../clock.ts';
import type { AfterCommit } from '../delivery/after-commit.ts';
import type { Config } from '../config.ts';
import { NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import { TEST_TOPIC } from '../domain/event-types.ts';
import { firstIdAt, newId } from '../domain/ids.ts';
import { inputLimits } from '../domain/limits.ts';
import { storedEventBytes } from '../domain/storage.ts';
import { receives } from '../domain/topic-routing.ts';
import type { Db, DeliveryRow, EventRow, Executor } from '../store/db.ts';
import type { Webhook } from '../domain/webhook.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { orderingRepository } from '../store/ordering.ts';
import { webhookRepository } from '../store/webhooks.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { pendingDelivery } from '../store/outbox.ts';
import { storageRepository } from '../store/storage.ts';

const MAX_AGE_DAYS = inputLimits.redeliverFailedAgeDays.max;
/** Deliveries one recovery or replay call resends or creates at most; a larger window is done in parts. */
const MAX_PER_CALL = inputLimits.perRecoveryCall.max;
/** How many of them a result lists (a dry run's preview). */
export const PREVIEW_SIZE = 10;
/**
 * What one replay call may read, in payload characters, each event counted at least
 * REPLAY_ROW_COST: the scan's work grows with the events in the window, not with those that
 * match, so a filter matching nothing must not make it read (and parse) all of them.
 */
const REPLAY_SCAN_WORK = inputLimits.replayScanBytes.max;
const REPLAY_ROW_COST = 1024;
/** Events per page: at most 25 MiB of payloads in one statement. */
const REPLAY_SCAN_CHUNK = 100;

type DeliveryServiceDeps = { db: Db; secrets: SecretBox; clock: Clock; announcer: AfterCommit; config: Pick<Config, 'delivery'> };

/** A recovery or replay: how many, the first few, and whether anything was done. */
export type Recovery = { dryRun: boolean; count: number; deliveries: DeliveryRow[] };
export type Replay = { dryRun: boolean; count: number; events: EventRow[]; deliveries: DeliveryRow[] };

type Window = { since: number; until?: number | null };

/** [since, until), until by default just after now (what was created this millisecond is in); each bound's rule as a field error. */
function checkWindow(window: Window, now: number, oldest: number, tooOld: string): { since: number; until: number } {
  const until = window.until ?? now + 1;
  const problems: FieldError[] = [];
  if (window.since < oldest) problems.push({ path: ['since'], message: tooOld });
  if (window.since > now) problems.push({ path: ['since'], message: 'must not be in the future' });
  if (until <= window.since) problems.push({ path: ['until'], message: 'must be later than since' });
  if (problems.length > 0) throw new ValidationError(problems);
  return { since: window.since, until };
}

const tooMany = (count: string) =>
  ValidationError.at(
    ['since'],
    `the window holds ${count} deliveries, more than the ${MAX_PER_CALL.toLocaleString('en')} one call may take: narrow it (a later since, an until) and go in parts`,
  );

const tooMuchToRead = () =>
  ValidationError.at(
    ['since'],
    `the window holds more events than one call may read (${REPLAY_SCAN_WORK / (1024 * 1024)} MiB of payloads): narrow it (a later since, an until) and go in parts`,
  );

// RETURNING promises no order; results list the oldest first.
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The event as routing sees it; its payload parsed only for a webhook that filters on it. */
const routedEvent = (event: EventRow, parse: boolean) => ({
  topic: event.topic,
  payload: parse ? (JSON.parse(event.payload) as unknown) : null,
  channelType: event.channel_type,
  echo: event.echo === 1,
});

/** The webhook a replay is for: the tenant's, and enabled. */
async function replayTarget(db: Executor, secrets: SecretBox, tenantId: string, webhookId: string): Promise<Webhook> {
  const webhook = await webhookRepository(db, secrets).findById(tenantId, webhookId);
  if (!webhook) throw new NotFoundError(webhookId, 'Webhook');
  if (!webhook.enabled) throw ValidationError.at(['webhookId'], 'the webhook is disabled: enable it before replaying events to it');
  return webhook;
}

/**
 * The window's events that the webhook takes and has no delivery of, read in pages outside
 * any write transaction, taking turns with other requests between pages, and refused past
 * REPLAY_SCAN_WORK or MAX_PER_CALL matches.
 */
async function replayable(db: Db, tenantId: string, webhook: Webhook, bounds: { since: number; until: number }): Promise<EventRow[]> {
  const events = eventRepository(db);
  const parse = webhook.configuration.filters.length > 0;
  const matched: EventRow[] = [];
  let work = 0;
  let afterId: string | null = null;
  for (;;) {
    const chunk = await events.replayCandidates({
      tenantId,
      webhookId: webhook.id,
      patterns: webhook.topics,
      fromId: firstIdAt('event', bounds.since),
      afterId,
      untilId: firstIdAt('event', bounds.until),
      excludeTopic: TEST_TOPIC,
      limit: REPLAY_SCAN_CHUNK,
    });
    for (const event of chunk) {
      work += Math.max(event.payload.length, REPLAY_ROW_COST);
      if (work > REPLAY_SCAN_WORK) throw tooMuchToRead();
      if (receives(webhook, routedEvent(event, parse))) matched.push(event);
    }
    if (matched.length > MAX_PER_CALL) throw tooMany(`more than ${MAX_PER_CALL.toLocaleString('en')}`);
    if (chunk.length < REPLAY_SCAN_CHUNK) return matched;
    afterId = chunk.at(-1)!.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function deliveryService({ db, secrets, clock, announcer, config }: DeliveryServiceDeps) {
  /**
   * A MANUAL attempt now for every FAILED delivery of the webhook created in [since, until)
   * (until defaults to now; since at most MAX_AGE_DAYS ago). A dry run counts and lists them and
   * changes nothing. redeliverFailed is this without until.
   */
  async function recoverDeliveries(tenantId: string, webhookId: string, window: Window, dryRun: boolean): Promise<Recovery> {
    const now = clock.now();
    const bounds = checkWindow(window, now, now - MAX_AGE_DAYS * 86_400_000, `must be at most ${MAX_AGE_DAYS} days ago`);
    const recovery = { tenantId, webhookId, ...bounds };
    const result = await db.transaction().execute(async (trx): Promise<Recovery> => {
      if (!(await webhookRepository(trx, secrets).findById(tenantId, webhookId))) throw new NotFoundError(webhookId, 'Webhook');
      const deliveries = deliveryRepository(trx);
      const count = await deliveries.countRecoverable(recovery);
      if (count > MAX_PER_CALL) throw tooMany(count.toLocaleString('en'));
      if (dryRun) return { dryRun, count, deliveries: await deliveries.firstRecoverable(recovery, PREVIEW_SIZE) };
      const moved = await deliveries.requestAttemptForRecoverable(recovery, MAX_PER_CALL, now);
      return { dryRun, count: moved.length, deliveries: moved.sort(byId) };
    });
    // A dry run changed nothing, so there is nothing to announce.
    if (!dryRun) announcer.committed({ deliveries: result.deliveries });
    return { ...result, deliveries: result.deliveries.slice(0, PREVIEW_SIZE) };
  }

  return {
    /** A MANUAL attempt as soon as a worker slot is free, whatever the delivery's status. */
    async redeliver(tenantId: string, deliveryId: string): Promise<DeliveryRow> {
      const now = clock.now();
      const delivery = await db.transaction().execute(async (trx) => {
        const deliveries = deliveryRepository(trx);
        const current = await deliveries.findById(tenantId, deliveryId);
        if (!current) throw new NotFoundError(deliveryId, 'Delivery');
        if (!(await webhookRepository(trx, secrets).findById(tenantId, current.webhook_id))) {
          throw ValidationError.at(['deliveryId'], 'its webhook has been deleted, so there is nowhere to send it');
        }
        if (current.status === 'WAITING') {
          throw ValidationError.at(
            ['deliveryId'],
            'it is WAITING behind an earlier delivery with its ordering key (see waitingFor); it is sent in its turn',
          );
        }
        return (await deliveries.requestAttempt(tenantId, deliveryId, 'MANUAL', now))!;
      });
      announcer.committed({ deliveries: [delivery] });
      return delivery;
    },

    async redeliverFailed(tenantId: string, webhookId: string, since: number): Promise<number> {
      return (await recoverDeliveries(tenantId, webhookId, { since }, false)).count;
    },

    recoverDeliveries,

    /**
     * New deliveries to this webhook of the tenant's past events in [since, until) that its
     * current topics and filters take, so a new endpoint can catch up; events older than the
     * event retention are gone (pruned), so since may not reach further back. Each (event,
     * webhook) gets one delivery however often this runs (the unique index decides).
     */
    async replayEvents(tenantId: string, webhookId: string, window: Window, dryRun: boolean): Promise<Replay> {
      const now = clock.now();
      const retention = config.delivery.eventRetentionMs;
      const bounds = checkWindow(
        window,
        now,
        now - retention,
        `must be within the event retention (${new Date(now - retention).toISOString()} or later): older events have been pruned`,
      );
      // A webhook changed or disabled after the scan is as if it changed just after the replay.
      const matched = await replayable(db, tenantId, await replayTarget(db, secrets, tenantId, webhookId), bounds);
      if (dryRun) return { dryRun, count: matched.length, events: matched.slice(0, PREVIEW_SIZE), deliveries: [] };
      const result = await db.transaction().execute(async (trx): Promise<Replay> => {
        await replayTarget(trx, secrets, tenantId, webhookId);
        // Replayed keyed events join their lines in publish order, behind anything still open.
        const rows = await orderingRepository(trx).place(
          matched.map((event) =>
            pendingDelivery({ tenantId, eventId: event.id, webhookId, now, trigger: null, orderingKey: event.ordering_key }),
          ),
        );
        const created = (await deliveryRepository(trx).insertNew(rows)).sort(byId);
        const createdFor = new Set(created.map((delivery) => delivery.event_id));
        return { dryRun, count: created.length, events: matched.filter((event) => createdFor.has(event.id)), deliveries: created };
      });
      announcer.committed({ deliveries: result.deliveries });
      return { ...result, events: result.events.slice(0, PREVIEW_SIZE), deliveries: result.deliveries.slice(0, PREVIEW_SIZE) };
    },

    /** A webhook.test event to this webhook alone, enabled or not: checking an endpoint before enabling it is the point. */
    async sendTestEvent(tenantId: string, webhookId: string): Promise<DeliveryRow> {
      const now = clock.now();
      const delivery = await db.transaction().execute(async (trx) => {
        const webhook = await webhookRepository(trx, secrets).findById(tenantId, webhookId);
        if (!webhook) throw new NotFoundError(webhookId, 'Webhook');
        const eventId = newId('event', now);
        const event = await eventRepository(trx).insert({
          id: eventId,
          tenantId,
          topic: TEST_TOPIC,
          payload: { webhookId, message: 'A test event from the webhook gateway.' },
          channelType: null,
          echo: false,
          idempotencyKey: null,
          orderingKey: null,
          retain: false,
          deliveryCount: 1,
          createdAt: now,
        });
        const row = pendingDelivery({ tenantId, eventId, webhookId, now, trigger: 'TEST', orderingKey: null });
        await deliveryRepository(trx).insertMany([row]);
        // Counted like every event, never refused: checking an endpoint is not what fills a disk.
        await storageRepository(trx).charge(tenantId, storedEventBytes(event.payload), null);
        return row;
      });
      announcer.committed({ deliveries: [delivery] });
      return delivery;
    },
  };
}
