import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { clampActivityMinutes } from '../domain/input-limits.ts';
import { inputLimits, rangeText } from '../domain/limits.ts';
import type { ReceiverDirective } from '../domain/receiver-directive.ts';
import { parseJson, type AttemptRow, type DeliveryRow } from '../store/db.ts';
import type { attemptTriggers, deliveryStatuses, AttemptOutcome } from '../domain/delivery-lifecycle.ts';
import { RESPONSE_BODY_LIMIT_BYTES } from '../delivery/dispatcher.ts';
import {
  ACTIVITY_DURATION_SAMPLE,
  STATS_WINDOW,
  type ActivityMinute,
  type WebhookActivity,
  type WebhookAttemptStats,
} from '../store/attempts.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { resultUnion } from './errors.ts';
import { EventNode } from './event.ts';
import { pageArgsSchema, toConnection } from './pagination.ts';
import { openId, readableWith } from './read-scopes.ts';
import { HttpHeaderRef, WebhookNode } from './webhook.ts';

export const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  values: {
    PENDING: { description: 'waiting for its first attempt' },
    RETRYING: { description: 'an attempt failed, another is scheduled' },
    WAITING: {
      description:
        'behind an earlier delivery of its ordering key to the same webhook that is still open (see waitingFor); nothing is scheduled until that one ends',
    },
    SUCCEEDED: { description: 'an attempt got a 2xx' },
    FAILED: { description: 'retries exhausted, or the endpoint was disabled or deleted' },
  } satisfies Record<(typeof deliveryStatuses)[number], object>,
});

export const AttemptOutcomeEnum = builder.enumType('AttemptOutcome', {
  values: {
    SUCCEEDED: { description: '2xx' },
    HTTP_ERROR: { description: 'any other status (redirects are not followed)' },
    TIMED_OUT: { description: 'no complete answer within the webhook timeoutSeconds' },
    CONNECTION_ERROR: { description: 'refused, reset, DNS, TLS' },
    BLOCKED: { description: 'the address resolved to a forbidden network (see DESIGN.md)' },
  } satisfies Record<AttemptOutcome, object>,
});

const ReceiverDirectiveEnum = builder.enumType('ReceiverDirective', {
  description: 'What an endpoint asked for with its `webhook-delivery` response header (case-insensitive; other values are ignored).',
  values: {
    ABORT_MESSAGE: { description: '`abort-message`: no more retries of this delivery; it ended FAILED unless the attempt succeeded' },
    DISABLE: { description: '`disable`: the webhook was disabled, with a reason saying the endpoint asked' },
  } satisfies Record<ReceiverDirective, object>,
});

const AttemptTriggerEnum = builder.enumType('AttemptTrigger', {
  values: {
    SCHEDULED: { description: 'the first attempt or a retry on the schedule' },
    MANUAL: { description: 'asked for with redeliver, redeliverFailed or recoverDeliveries' },
    TEST: { description: 'sent by sendTestEvent' },
  } satisfies Record<(typeof attemptTriggers)[number], object>,
});

export const DeliveryNode = builder.loadableNodeRef('Delivery', {
  id: { resolve: (delivery: DeliveryRow) => delivery.id, ...openId },
  load: (ids: string[], context) => context.repos.deliveries.findByIds(context.principal.tenantId, ids),
  sort: (delivery) => delivery.id,
});

/**
 * Answers this context's loads of `delivery` with this row: as a commit left it, where the
 * caller has it at hand. Replaces what the loader held (a subscription without a context per
 * row keeps one loader for all its rows).
 */
export function primeDelivery(context: Context, delivery: DeliveryRow): void {
  DeliveryNode.getDataloader(context).clear(delivery.id).prime(delivery.id, delivery);
}

DeliveryNode.implement({
  description: 'One event on its way to one webhook.',
  authScopes: readableWith('Delivery'),
  fields: (t) => ({
    webhook: t.field({
      type: WebhookNode,
      nullable: true,
      description: 'Null once the webhook has been deleted; the history stays.',
      resolve: (delivery) => delivery.webhook_id,
    }),
    webhookId: t.exposeID('webhook_id'),
    event: t.field({ type: EventNode, resolve: (delivery) => delivery.event_id }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (delivery) => delivery.status }),
    orderingKey: t.exposeString('ordering_key', {
      nullable: true,
      description: "Its event's orderingKey: deliveries with one key are attempted in publish order, one at a time, per webhook.",
    }),
    waitingFor: t.loadable({
      type: DeliveryNode,
      nullable: true,
      description: 'While WAITING: the delivery of the same ordering key and webhook that is being attempted now, which this one follows.',
      load: async (waiting: DeliveryRow[], context) => {
        const firsts = await context.repos.ordering.firstsOfLines(context.principal.tenantId, waiting);
        return waiting.map((row) => firsts.get(row.id) ?? null);
      },
      resolve: (delivery) => delivery,
    }),
    attemptCount: t.exposeInt('attempt_count'),
    failureReason: t.exposeString('failure_reason', {
      nullable: true,
      description:
        "Why the gateway failed it: its retries ran out (the attempts made and the last one's outcome and status), or it was held past a paused webhook's caps.",
    }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (delivery) => delivery.next_attempt_at }),
    attempts: t.loadableList({
      type: DeliveryAttemptNode,
      description: 'Oldest first.',
      load: async (deliveryIds: string[], context) => {
        const rows = await context.repos.attempts.listByDeliveries(context.principal.tenantId, deliveryIds);
        return deliveryIds.map((id) => rows.filter((row) => row.delivery_id === id));
      },
      resolve: (delivery) => delivery.id,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (delivery) => delivery.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (delivery) => delivery.updated_at }),
  }),
});

export const DeliveryAttemptNode = builder.loadableNodeRef('DeliveryAttempt', {
  id: { resolve: (attempt: AttemptRow) => attempt.id, ...openId },
  load: (ids: string[], context) => context.repos.attempts.findByIds(context.principal.tenantId, ids),
  sort: (attempt) => attempt.id,
});

DeliveryAttemptNode.implement({
  description: 'One HTTP request to the endpoint and what came of it.',
  authScopes: readableWith('DeliveryAttempt'),
  fields: (t) => ({
    delivery: t.field({ type: DeliveryNode, resolve: (attempt) => attempt.delivery_id }),
    webhookId: t.exposeID('webhook_id'),
    eventId: t.exposeID('event_id'),
    attemptNumber: t.exposeInt('attempt_number'),
    trigger: t.field({ type: AttemptTriggerEnum, resolve: (attempt) => attempt.trigger as (typeof attemptTriggers)[number] }),
    outcome: t.field({ type: AttemptOutcomeEnum, resolve: (attempt) => attempt.outcome }),
    url: t.field({ type: 'URL', resolve: (attempt) => attempt.url }),
    requestHeaders: t.field({
      type: [HttpHeaderRef],
      nullable: true,
      description:
        'The headers this attempt sent, in order. Credentials and the signature show as [redacted]; null for attempts recorded before headers were.',
      resolve: (attempt) => (attempt.request_headers === null ? null : parseJson(attempt.request_headers)),
    }),
    responseStatus: t.exposeInt('response_status', { nullable: true }),
    receiverDirective: t.field({
      type: ReceiverDirectiveEnum,
      nullable: true,
      description: "The endpoint's webhook-delivery header on this attempt's response, when it sent one the gateway acts on.",
      resolve: (attempt) => attempt.receiver_directive,
    }),
    responseBody: t.exposeString('response_body', {
      nullable: true,
      description: `The first ${RESPONSE_BODY_LIMIT_BYTES / 1024} KiB of the response body.`,
    }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('duration_ms'),
    startedAt: t.field({ type: 'DateTime', resolve: (attempt) => attempt.started_at }),
    finishedAt: t.field({ type: 'DateTime', resolve: (attempt) => attempt.finished_at }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due, if one is scheduled.',
      resolve: (attempt) => attempt.next_attempt_at,
    }),
  }),
});

// Event's deliveries are defined here, beside Delivery, so event.ts need not import this file.
builder.objectField(EventNode, 'deliveries', (t) =>
  t.loadableList({
    type: DeliveryNode,
    description: 'One per webhook the event matched when it was published.',
    load: async (eventIds: string[], context) => {
      const rows = await context.repos.deliveries.listByEvents(context.principal.tenantId, eventIds);
      return eventIds.map((id) => rows.filter((row) => row.event_id === id));
    },
    resolve: (event) => event.id,
  }),
);

export const DeliveryConnection = builder.connectionObject({ type: DeliveryNode, name: 'DeliveryConnection' }, { name: 'DeliveryEdge' });

const WebhookStatsRef = builder.objectRef<WebhookAttemptStats & { consecutiveFailures: number }>('WebhookStats').implement({
  description: 'Attempts within the retention period (ATTEMPT_RETENTION_DAYS).',
  authScopes: readableWith('WebhookStats'),
  fields: (t) => ({
    attempts: t.exposeInt('attempts'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Consecutive failed attempts since the last success.' }),
    lastAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (stats) => stats.lastAttemptAt }),
    p50DurationMs: t.exposeFloat('p50DurationMs', {
      nullable: true,
      description: `Median and 99th percentile of attempt durations over the last ${STATS_WINDOW.toLocaleString('en')} attempts.`,
    }),
    p99DurationMs: t.exposeFloat('p99DurationMs', { nullable: true }),
  }),
});

const ActivityMinuteRef = builder.objectRef<ActivityMinute>('ActivityMinute').implement({
  description: "One minute of a webhook's attempts, counted by outcome.",
  authScopes: readableWith('ActivityMinute'),
  fields: (t) => ({
    minute: t.field({ type: 'DateTime', description: 'Start of the minute.', resolve: (m) => m.minute }),
    attempts: t.exposeInt('attempts'),
    succeeded: t.int({ resolve: (m) => m.outcomes.SUCCEEDED ?? 0 }),
    httpError: t.int({ resolve: (m) => m.outcomes.HTTP_ERROR ?? 0 }),
    timedOut: t.int({ resolve: (m) => m.outcomes.TIMED_OUT ?? 0 }),
    connectionError: t.int({ resolve: (m) => m.outcomes.CONNECTION_ERROR ?? 0 }),
    blocked: t.int({ resolve: (m) => m.outcomes.BLOCKED ?? 0 }),
    avgDurationMs: t.exposeFloat('avgDurationMs'),
    maxDurationMs: t.exposeInt('maxDurationMs'),
  }),
});

const WebhookActivityRef = builder.objectRef<WebhookActivity>('WebhookActivity').implement({
  description: "A webhook's attempts over a recent window, for charts and health at a glance.",
  authScopes: readableWith('WebhookActivity'),
  fields: (t) => ({
    since: t.field({ type: 'DateTime', description: 'Start of the window.', resolve: (a) => a.since }),
    attempts: t.exposeInt('attempts'),
    succeeded: t.exposeInt('succeeded'),
    p50DurationMs: t.exposeFloat('p50DurationMs', {
      nullable: true,
      description: `Median and 99th percentile duration of the window's newest ${ACTIVITY_DURATION_SAMPLE.toLocaleString('en')} attempts.`,
    }),
    p99DurationMs: t.exposeFloat('p99DurationMs', { nullable: true }),
    minutes: t.field({
      type: [ActivityMinuteRef],
      description: 'Minutes that had attempts, oldest first; a minute missing had none.',
      resolve: (a) => a.minutes,
    }),
  }),
});

builder.objectFields(WebhookNode, (t) => ({
  activity: t.field({
    type: WebhookActivityRef,
    description: `Attempts started in the last \`minutes\` (${rangeText(inputLimits.activityMinutes)}, default ${inputLimits.activityMinutes.default}; values outside are clamped), per minute.`,
    args: { minutes: t.arg.int() },
    resolve: async (webhook, args, context) => {
      const minutes = clampActivityMinutes(args.minutes);
      const now = Date.now();
      // Whole minutes, so the first bucket is as full as the others.
      const since = Math.floor(now / 60_000) * 60_000 - (minutes - 1) * 60_000;
      return context.repos.attempts.activityForWebhook(context.principal.tenantId, webhook.id, since);
    },
  }),
  deliveries: t.connection(
    {
      type: DeliveryNode,
      description: 'Newest first.',
      args: { status: t.arg({ type: DeliveryStatusEnum }) },
      validate: pageArgsSchema,
      resolve: async (webhook, args, context) => {
        const tenantId = context.principal.tenantId;
        const page = await context.repos.deliveries.pageByWebhook(tenantId, webhook.id, args.status, args);
        return toConnection(page, () => context.repos.deliveries.countByWebhook(tenantId, webhook.id, args.status));
      },
    },
    DeliveryConnection,
  ),
  stats: t.field({
    type: WebhookStatsRef,
    resolve: async (webhook, _args, context) => ({
      ...(await context.repos.attempts.statsForWebhook(context.principal.tenantId, webhook.id)),
      consecutiveFailures: webhook.consecutiveFailures,
    }),
  }),
}));

builder.queryField('delivery', (t) =>
  t.field({
    type: DeliveryNode,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_READ' },
    resolve: async (_root, { id }, context) => (await context.repos.deliveries.findById(context.principal.tenantId, id)) ?? null,
  }),
);

const deliveryResult = (name: string) =>
  builder.objectRef<{ delivery: DeliveryRow }>(name).implement({
    fields: (t) => ({ delivery: t.field({ type: DeliveryNode, resolve: (result) => result.delivery }) }),
  });
const RedeliverSuccess = deliveryResult('RedeliverSuccess');
const SendTestEventSuccess = deliveryResult('SendTestEventSuccess');

const RedeliverFailedSuccess = builder.objectRef<{ count: number }>('RedeliverFailedSuccess').implement({
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many FAILED deliveries of the webhook since the given time got a new attempt.' }),
  }),
});

builder.mutationFields((t) => ({
  redeliver: t.field({
    type: RedeliverSuccess,
    description: 'A new attempt of this delivery now, whatever its status.',
    args: { deliveryId: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('RedeliverResult', [NotFoundError, ValidationError]),
    resolve: async (_root, { deliveryId }, context) => ({
      delivery: await context.services.deliveries.redeliver(context.principal.tenantId, deliveryId),
    }),
  }),
  redeliverFailed: t.field({
    type: RedeliverFailedSuccess,
    description: `A new attempt, now, of every FAILED delivery of this webhook created at or after \`since\` (at most ${inputLimits.redeliverFailedAgeDays.max} days ago).`,
    args: { webhookId: t.arg.id({ required: true }), since: t.arg({ type: 'DateTime', required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('RedeliverFailedResult', [NotFoundError, ValidationError]),
    resolve: async (_root, { webhookId, since }, context) => ({
      count: await context.services.deliveries.redeliverFailed(context.principal.tenantId, webhookId, since),
    }),
  }),
  sendTestEvent: t.field({
    type: SendTestEventSuccess,
    description: 'Sends a webhook.test event to this webhook alone.',
    args: { webhookId: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('SendTestEventResult', [NotFoundError]),
    resolve: async (_root, { webhookId }, context) => ({
      delivery: await context.services.deliveries.sendTestEvent(context.principal.tenantId, webhookId),
    }),
  }),
}));
