import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { firstIdAt, newId } from '../ids.ts';
import { attemptRepository } from '../store/attempts.ts';
import type { Database, Db, DeliveryRow, EventRow } from '../store/db.ts';
import type { AttemptTrigger } from '../domain/delivery-lifecycle.ts';
import { statusWhenEnded } from '../domain/delivery-lifecycle.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { webhookRepository, type Webhook } from '../store/webhooks.ts';
import type { Announcer } from './announcer.ts';
import type { AttemptResult, DeliveryDispatcher } from './dispatcher.ts';
import { buildRequest } from './request.ts';
import { canSend, decideOutcome, failureCountChange } from './outcome.ts';

export type WorkerDeps = {
  db: Db;
  clock: Clock;
  dispatcher: DeliveryDispatcher;
  announcer: Announcer;
  logger: Logger;
  config: Config['delivery'];
  /** Jitter source; tests pin it. */
  random?: () => number;
};

// Looks at the queue at least this often, to pick up retries and leases that ran out.
const POLL_MS = 1_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 1_000;

type Claimed = { delivery: DeliveryRow; webhook: Webhook | undefined; event: EventRow };

export function createWorker(deps: WorkerDeps) {
  const { db, clock, dispatcher, announcer, logger, config } = deps;
  const random = deps.random ?? Math.random;
  const inFlight = new Set<Promise<void>>();
  const perWebhook = new Map<string, number>();
  let running = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  // Set when shutdown gives up on attempts in flight: their results are not recorded, their leases bring them back.
  let abandoned = false;

  /** Leases due deliveries in one transaction, keeping every webhook under its own cap. */
  async function claim(room: number): Promise<Claimed[]> {
    const now = clock.now();
    const saturated = [...perWebhook].filter(([, n]) => n >= config.concurrencyPerWebhook).map(([id]) => id);
    const picked = await db.transaction().execute(async (trx) => {
      const deliveries = deliveryRepository(trx);
      const due = await deliveries.findDue(now, room * 4, saturated);
      const taken = new Map<string, number>();
      const chosen: DeliveryRow[] = [];
      for (const delivery of due) {
        if (chosen.length >= room) break;
        const busy = (perWebhook.get(delivery.webhook_id) ?? 0) + (taken.get(delivery.webhook_id) ?? 0);
        if (busy >= config.concurrencyPerWebhook) continue;
        taken.set(delivery.webhook_id, (taken.get(delivery.webhook_id) ?? 0) + 1);
        chosen.push(delivery);
      }
      await deliveries.lease(
        chosen.map((delivery) => delivery.id),
        now + config.leaseMs,
      );
      return chosen;
    });
    if (picked.length === 0) return [];
    const webhooks = new Map(
      (await webhookRepository(db).findByIdsAnyTenant([...new Set(picked.map((d) => d.webhook_id))])).map((w) => [w.id, w]),
    );
    const events = new Map<string, EventRow>();
    for (const [tenantId, ids] of groupBy(picked, (d) => d.tenant_id, (d) => d.event_id)) {
      for (const event of await eventRepository(db).findByIds(tenantId, ids)) events.set(event.id, event);
    }
    return picked.map((delivery) => ({ delivery, webhook: webhooks.get(delivery.webhook_id), event: events.get(delivery.event_id)! }));
  }

  type Finished = { claimed: Claimed; trigger: AttemptTrigger; url: string; startedAt: number; finishedAt: number; result: AttemptResult };

  /** Records one attempt and moves its delivery (and maybe its webhook) on, inside the caller's transaction. */
  async function recordIn(trx: Transaction<Database>, { claimed, trigger, url, startedAt, finishedAt, result }: Finished) {
    const deliveries = deliveryRepository(trx);
    const webhooks = webhookRepository(trx);
    const delivery = (await deliveries.findById(claimed.delivery.tenant_id, claimed.delivery.id)) ?? claimed.delivery;
    const webhook = await webhooks.findById(delivery.tenant_id, delivery.webhook_id);
    let counted = webhook ?? null;
    if (webhook) {
      const change = failureCountChange(trigger, result);
      // A success has a run of failures to reset only when there is one.
      if (change === 'counted') counted = (await webhooks.countFailure(webhook.id)) ?? null;
      else if (change === 'reset' && webhook.consecutiveFailures !== 0) await webhooks.countSuccess(webhook.id);
    }
    const outcome = decideOutcome({
      delivery: { status: delivery.status, attemptCount: delivery.attempt_count },
      webhook: counted,
      trigger,
      result,
      now: finishedAt,
      autoDisableAfter: config.autoDisableAfterFailures,
      random,
    });
    const attempt = await attemptRepository(trx).insert({
      id: newId('attempt', finishedAt),
      tenant_id: delivery.tenant_id,
      delivery_id: delivery.id,
      webhook_id: delivery.webhook_id,
      event_id: delivery.event_id,
      attempt_number: outcome.attemptCount,
      trigger,
      outcome: result.outcome,
      url,
      response_status: result.responseStatus,
      response_body: result.responseBody,
      error: result.error,
      duration_ms: result.durationMs,
      started_at: startedAt,
      finished_at: finishedAt,
      next_attempt_at: outcome.nextAttemptAt,
    });
    const changed = [
      await deliveries.update(delivery.id, {
        status: outcome.status,
        attempt_count: outcome.attemptCount,
        next_attempt_at: outcome.nextAttemptAt,
        updated_at: finishedAt,
      }),
    ];
    const disabled = webhook && outcome.disableReason ? { webhookId: webhook.id, reason: outcome.disableReason } : null;
    if (disabled) {
      await webhooks.disable(disabled.webhookId, disabled.reason, finishedAt);
      changed.push(...(await deliveries.failPending(disabled.webhookId, finishedAt)));
    }
    return { attempt, changed, disabled };
  }

  type Recorded = Awaited<ReturnType<typeof recordIn>>;

  /** After the commit: subscribers hear of the attempt and the deliveries it moved. */
  function announce({ attempt, changed, disabled }: Recorded) {
    if (disabled) logger.warn(disabled, 'webhook disabled');
    announcer.committed({ attempts: [attempt], deliveries: changed });
  }

  // Attempts that have ended and wait to be recorded. Everything that ends in the same turn of
  // the event loop is recorded in one transaction: one commit (one WAL write) for all of them.
  let unrecorded: { finished: Finished; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushQueued = false;

  async function flush() {
    flushQueued = false;
    const batch = unrecorded;
    unrecorded = [];
    let recorded: Recorded[];
    try {
      recorded = await db.transaction().execute(async (trx) => {
        const out: Recorded[] = [];
        for (const { finished } of batch) out.push(await recordIn(trx, finished));
        return out;
      });
    } catch {
      // One attempt that cannot be recorded must not take the others with it: one by one.
      for (const { finished, resolve, reject } of batch) {
        try {
          announce(await db.transaction().execute((trx) => recordIn(trx, finished)));
          resolve();
        } catch (error) {
          reject(error);
        }
      }
      return;
    }
    recorded.forEach((one, i) => {
      announce(one);
      batch[i]!.resolve();
    });
  }

  /**
   * Records the attempt and moves the delivery (and maybe its webhook) on, in one transaction
   * shared with the attempts that ended alongside it; resolves once that transaction commits.
   */
  function record(claimed: Claimed, trigger: AttemptTrigger, url: string, startedAt: number, result: AttemptResult): Promise<void> {
    const finished: Finished = { claimed, trigger, url, startedAt, finishedAt: clock.now(), result };
    return new Promise((resolve, reject) => {
      unrecorded.push({ finished, resolve, reject });
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(() => void flush());
      }
    });
  }

  /** A delivery that can no longer be sent (its webhook is gone or was turned off) fails without an attempt. */
  async function abandon(claimed: Claimed) {
    const now = clock.now();
    const changed = await deliveryRepository(db).update(claimed.delivery.id, {
      status: statusWhenEnded(claimed.delivery.status),
      attempt_count: claimed.delivery.attempt_count,
      next_attempt_at: null,
      updated_at: now,
    });
    announcer.committed({ deliveries: [changed] });
  }

  async function attempt(claimed: Claimed) {
    const trigger = claimed.delivery.next_trigger ?? 'SCHEDULED';
    const { webhook, event } = claimed;
    if (!canSend(webhook, trigger)) return abandon(claimed);
    const startedAt = clock.now();
    const request = buildRequest(webhook, event, startedAt);
    const result = await dispatcher.send(request);
    if (abandoned) return;
    await record(claimed, trigger, request.url, startedAt, result);
  }

  function launch(claimed: Claimed) {
    const webhookId = claimed.delivery.webhook_id;
    perWebhook.set(webhookId, (perWebhook.get(webhookId) ?? 0) + 1);
    const task = attempt(claimed)
      .catch((error: unknown) => {
        // The lease brings the delivery back; nothing is lost.
        logger.error({ err: error, deliveryId: claimed.delivery.id }, 'delivery attempt could not be recorded');
      })
      .finally(() => {
        inFlight.delete(task);
        const left = (perWebhook.get(webhookId) ?? 1) - 1;
        if (left <= 0) perWebhook.delete(webhookId);
        else perWebhook.set(webhookId, left);
        pumpSoon();
      });
    inFlight.add(task);
  }

  async function prune() {
    const now = clock.now();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    const pruned = await attemptRepository(db).deleteFinishedBefore(now - config.attemptRetentionMs);
    if (pruned > 0) logger.info({ pruned }, 'pruned old delivery attempts');
    // In chunks, each its own statement, so publishing and recording go on in between.
    const cutoff = firstIdAt('event', now - config.eventRetentionMs);
    let events = 0;
    let chunk: number;
    do {
      chunk = await eventRepository(db).deleteSettledBefore(cutoff, PRUNE_CHUNK);
      events += chunk;
    } while (chunk === PRUNE_CHUNK);
    if (events > 0) logger.info({ events }, 'pruned old events with their deliveries');
  }

  /** Claims until the queue has nothing due or every slot is busy; one round at a time. */
  function pump(force = false): Promise<void> {
    if (!running && !force) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        await prune();
        do {
          again = false;
          const room = config.concurrency - inFlight.size;
          if (room <= 0) break;
          const claimed = await claim(room);
          for (const item of claimed) launch(item);
          if (claimed.length === room) again = true;
        } while (again && (running || force));
      } catch (error) {
        logger.error({ err: error }, 'delivery worker could not claim deliveries');
      } finally {
        pumping = null;
      }
      schedule();
    })();
    return pumping;
  }

  // Attempts recorded together, and publishes in a burst, free slots or add work in the same
  // turn: one claim round after them all, not one per attempt.
  let pumpQueued = false;
  function pumpSoon() {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      void pump();
    });
  }

  function schedule() {
    clearTimeout(timer);
    if (!running) return;
    timer = setTimeout(() => void pump(), POLL_MS);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      void pump();
    },

    /** Something became due now (a publish, a redeliver): look at once instead of at the next poll. */
    wake() {
      pumpSoon();
    },

    /**
     * Claims and sends until nothing is due and nothing is in flight, whether or not the worker
     * was started: tests that drive the clock call it after each step.
     */
    async settle(): Promise<void> {
      for (;;) {
        await pump(true);
        await Promise.allSettled([...inFlight]);
        if (inFlight.size > 0 || pumping) continue;
        const due = await deliveryRepository(db).findDue(clock.now(), 1, []);
        if (due.length === 0) return;
      }
    },

    get inFlight() {
      return inFlight.size;
    },

    /** Stops claiming, then waits for attempts in flight up to `graceMs`; what is left comes back after its lease. */
    async stop(graceMs: number): Promise<{ unfinished: number }> {
      running = false;
      clearTimeout(timer);
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, graceMs);
      });
      const drained = (async () => {
        // A claim under way launches its attempts after this point: wait for it, then for them.
        if (pumping) await pumping;
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      await Promise.race([drained, expired]);
      clearTimeout(deadline);
      return { unfinished: inFlight.size };
    },

    /** After stop: what is still in flight will not be recorded. Resolves once those attempts have ended. */
    async abandon(): Promise<void> {
      abandoned = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}

export type Worker = ReturnType<typeof createWorker>;
