import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import { isOpen, type AttemptTrigger } from '../domain/delivery-lifecycle.ts';
import { newId } from '../domain/ids.ts';
import { attemptTopics, deliveryEvent, isReservedTopic, webhookDisabledEvent, type AttemptSummary } from '../domain/operational-events.ts';
import { recordedHeaders } from '../domain/sent-headers.ts';
import { attemptRepository } from '../store/attempts.ts';
import type { AttemptRow, Database, Db, DeliveryRow } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { orderingRepository } from '../store/ordering.ts';
import { writeEvent, type Written } from '../store/outbox.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';
import { isTransientStoreError } from '../store/unavailable.ts';
import { webhookRepository } from '../store/webhooks.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { AfterCommit } from './after-commit.ts';
import type { Claimed } from './claimer.ts';
import type { AttemptResult } from './dispatcher.ts';
import { decideOutcome, failureCountChange, type OutcomeInput } from './outcome.ts';
import { secondsSince, type StageTrace } from './stage-trace.ts';

/**
 * How long the first result of a batch waits for others to share its transaction. SQLite has one
 * write lock for the main thread's publishes and every engine thread's records; fewer, larger
 * record transactions took ~2,100 to ~2,450 deliveries/s with one engine thread (bench/FINDINGS.md).
 * The receiver already has its request; only the recording and what subscribers see wait.
 */
const RECORD_WINDOW_MS = 3;

/**
 * How long a result whose recording failed for want of the database (away, or its disk full)
 * waits before it is recorded again. The attempt was made: recording it later sends nothing twice,
 * where giving it up would let its lease bring the delivery back to the receiver. Its worker slot
 * stays taken meanwhile, so what waits is bounded by DELIVERY_CONCURRENCY.
 */
const RERECORD_MS = 1_000;

/** A claimed delivery the worker is done with: an attempt made, or none (canSend said no). */
type Finished = {
  claimed: Claimed;
  trigger: AttemptTrigger;
  finishedAt: number;
  attempt: {
    url: string;
    headers: Readonly<Record<string, string>>;
    startedAt: number;
    result: AttemptResult;
    /** performance.now() when the response was read: the record_commit stage starts there. */
    responded: number;
  } | null;
};

type Recorded = {
  attempt: AttemptRow | null;
  changed: DeliveryRow[];
  disabled: { webhookId: string; reason: string } | null;
  /** Operational events the attempt caused, with their deliveries. */
  published: Written[];
};

type RecorderDeps = {
  db: Db;
  /** Opens the credentials of the webhooks it reads (store/secret-box.ts). */
  secrets: SecretBox;
  webhookCache: WebhookCache;
  announcer: AfterCommit;
  stages: StageTrace;
  logger: Logger;
  autoDisableAfter: number;
  random: () => number;
};

/**
 * Recording: what an attempt did, written in one transaction shared with every attempt that
 * ended within RECORD_WINDOW_MS of the first (one commit, one WAL write, for all of them), then
 * announced. The claim's rows are trusted: the write that moves the delivery on checks they
 * still hold, and only when they do not (the webhook was disabled or deleted meanwhile) is the
 * delivery read again.
 */
export function createRecorder({ db, secrets, webhookCache, announcer, stages, logger, autoDisableAfter, random }: RecorderDeps) {
  async function recordIn(trx: Transaction<Database>, { claimed, trigger, finishedAt, attempt }: Finished): Promise<Recorded> {
    const deliveries = deliveryRepository(trx);
    const webhooks = webhookRepository(trx, secrets);
    const webhookId = claimed.delivery.webhook_id;

    let webhook: OutcomeInput['webhook'] = claimed.webhook ?? null;
    if (attempt) {
      const change = failureCountChange(trigger, attempt.result);
      if (change === 'counted') webhook = (await webhooks.countFailure(webhookId)) ?? null;
      else if (change === 'reset') await webhooks.countSuccess(webhookId);
    }
    const decide = (delivery: DeliveryRow) =>
      decideOutcome({
        trigger,
        delivery: { status: delivery.status, attemptCount: delivery.attempt_count },
        webhook,
        result: attempt?.result ?? null,
        now: finishedAt,
        autoDisableAfter,
        random,
      });
    const changeOf = (outcome: ReturnType<typeof decideOutcome>) => ({
      status: outcome.status,
      attempt_count: outcome.attemptCount,
      next_attempt_at: outcome.nextAttemptAt,
      updated_at: finishedAt,
      // Only a reason of this outcome's own replaces one already there (a hold cap's).
      ...(outcome.failureReason !== null ? { failure_reason: outcome.failureReason } : {}),
    });

    let before = claimed.delivery;
    let outcome = decide(before);
    let delivery = await deliveries.updateFrom(before, changeOf(outcome));
    if (!delivery) {
      const current = await deliveries.findById(claimed.delivery.tenant_id, claimed.delivery.id);
      if (!current) throw new Error(`delivery ${claimed.delivery.id} is gone`);
      before = current;
      outcome = decide(current);
      delivery = await deliveries.update(claimed.delivery, changeOf(outcome));
    }

    const attemptRow = attempt
      ? await attemptRepository(trx).insert({
          id: newId('attempt', finishedAt),
          tenant_id: delivery.tenant_id,
          delivery_id: delivery.id,
          webhook_id: webhookId,
          event_id: delivery.event_id,
          attempt_number: outcome.attemptCount,
          trigger,
          outcome: attempt.result.outcome,
          url: attempt.url,
          request_headers: JSON.stringify(recordedHeaders(attempt.headers)),
          receiver_directive: attempt.result.directive,
          response_status: attempt.result.responseStatus,
          response_body: attempt.result.responseBody,
          error: attempt.result.error,
          duration_ms: attempt.result.durationMs,
          started_at: attempt.startedAt,
          finished_at: finishedAt,
          next_attempt_at: outcome.nextAttemptAt,
        })
      : null;
    const changed = [delivery];
    if (delivery.ordering_key && !isOpen(delivery.status)) {
      const next = await orderingRepository(trx).advance({ webhookId, key: delivery.ordering_key }, finishedAt);
      if (next) changed.push(next);
    }
    let disabled = outcome.disableReason ? { webhookId, reason: outcome.disableReason } : null;
    if (disabled) {
      // Two attempts of one webhook in a batch may both ask; the one that disabled it tells.
      if (!(await webhooks.disable(webhookId, disabled.reason, finishedAt))) disabled = null;
      changed.push(...(await deliveries.failPending(webhookId, finishedAt)));
    }

    const published: Written[] = [];
    // A delivery of an operational event causes none itself (no loops: operational-events.ts).
    if (attemptRow && !isReservedTopic(claimed.event.topic)) {
      const topics = attemptTopics({
        statusBefore: before.status,
        attemptCount: outcome.attemptCount,
        succeeded: attemptRow.outcome === 'SUCCEEDED',
        retriesSpent: outcome.retriesSpent,
      });
      if (topics.length > 0 || disabled) {
        const cause = {
          delivery: { id: delivery.id, eventId: delivery.event_id, topic: claimed.event.topic, attemptCount: outcome.attemptCount },
          attempt: summaryOf(attemptRow),
        };
        const events = topics.map((topic) => deliveryEvent(topic, webhookId, cause));
        if (disabled) events.push(webhookDisabledEvent(webhookId, disabled.reason, cause));
        for (const event of events) {
          published.push(
            await writeEvent(trx, webhookCache, {
              tenantId: delivery.tenant_id,
              ...event,
              channelType: null,
              echo: false,
              idempotencyKey: null,
              orderingKey: null,
              retain: false,
              now: finishedAt,
            }),
          );
        }
      }
    }
    return { attempt: attemptRow, changed, disabled, published };
  }

  /** One announcement for a batch: one message from a delivery thread, not one per attempt. */
  function announce(batch: Recorded[]) {
    for (const { disabled } of batch) if (disabled) logger.warn(disabled, 'webhook disabled');
    const published = batch.flatMap((one) => one.published);
    announcer.committed({
      attempts: batch.flatMap((one) => (one.attempt ? [one.attempt] : [])),
      deliveries: [...batch.flatMap((one) => one.changed), ...published.flatMap((written) => written.deliveries)],
      events: published.map((written) => written.event),
    });
  }

  /** Observed before the announcement, whose message to the main thread carries the counts. */
  function committed(finished: Finished) {
    if (finished.attempt) stages.observe('record_commit', 'claimed', secondsSince(finished.attempt.responded));
  }

  type Unrecorded = { finished: Finished; resolve: () => void; reject: (error: unknown) => void };
  let unrecorded: Unrecorded[] = [];
  let flushQueued = false;
  let waitingForStore = 0;

  function queue(entry: Unrecorded) {
    unrecorded.push(entry);
    if (!flushQueued) {
      flushQueued = true;
      setTimeout(() => void flush(), RECORD_WINDOW_MS);
    }
  }

  function recordLater(entry: Unrecorded, error: unknown) {
    if (waitingForStore++ === 0)
      logger.warn({ reason: (error as Error).message }, 'attempts wait to be recorded until the database can take them');
    setTimeout(() => {
      waitingForStore--;
      queue(entry);
    }, RERECORD_MS).unref();
  }

  async function flush() {
    flushQueued = false;
    // One order for every batch, on every instance: a webhook's row (failure count) and then its
    // deliveries, webhooks by id. Two batches locking the same rows in opposite orders deadlock (40P01).
    const batch = unrecorded.sort(
      (a, b) =>
        compare(a.finished.claimed.delivery.webhook_id, b.finished.claimed.delivery.webhook_id) ||
        compare(a.finished.claimed.delivery.id, b.finished.claimed.delivery.id),
    );
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
      for (const entry of batch) {
        try {
          const recorded = await db.transaction().execute((trx) => recordIn(trx, entry.finished));
          committed(entry.finished);
          announce([recorded]);
          entry.resolve();
        } catch (error) {
          if (isTransientStoreError(error)) recordLater(entry, error);
          else entry.reject(error);
        }
      }
      return;
    }
    for (const { finished } of batch) committed(finished);
    announce(recorded);
    for (const { resolve } of batch) resolve();
  }

  return {
    /** Records and announces; resolves once the transaction it shares with its batch commits. */
    record(finished: Finished): Promise<void> {
      return new Promise((resolve, reject) => queue({ finished, resolve, reject }));
    },
  };
}

function summaryOf(attempt: AttemptRow): AttemptSummary {
  return {
    attemptNumber: attempt.attempt_number,
    trigger: attempt.trigger,
    outcome: attempt.outcome,
    responseStatus: attempt.response_status,
    error: attempt.error,
    url: attempt.url,
    durationMs: attempt.duration_ms,
    finishedAt: new Date(attempt.finished_at).toISOString(),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
