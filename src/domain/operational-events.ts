/*
 * Operational events: what the gateway tells a tenant about its own webhooks and deliveries, as
 * events of the reserved `gateway.` family. They are routed like any event (topic-routing.ts),
 * with three rules of their own:
 *   - tenants cannot publish them (only the gateway writes this family);
 *   - `*` does not take them: a webhook gets them only by asking for `gateway.*`,
 *     `gateway.webhook.*`, `gateway.delivery.*` or an exact name, so an existing catch-all
 *     endpoint does not start receiving a new kind of traffic;
 *   - one about webhook W never goes to W (`aboutWebhook`): W is the endpoint that is failing.
 * And no loops: a delivery of an operational event never causes another one (the recorder asks
 * `isReservedTopic` of the event it delivered), or two monitors failing at each other's news
 * would feed each other forever.
 */
import type { AttemptOutcome, AttemptTrigger, DeliveryStatus } from './delivery-lifecycle.ts';

export const RESERVED_TOPIC_PREFIX = 'gateway.';

export const operationalTopics = {
  webhookDisabled: 'gateway.webhook.disabled',
  webhookEnabled: 'gateway.webhook.enabled',
  deliveryExhausted: 'gateway.delivery.exhausted',
  deliveryFailing: 'gateway.delivery.failing',
  deliveryRecovered: 'gateway.delivery.recovered',
} as const;

type OperationalTopic = (typeof operationalTopics)[keyof typeof operationalTopics];

/** A topic only the gateway publishes, and that `*` does not match. */
export function isReservedTopic(topic: string): boolean {
  return topic.startsWith(RESERVED_TOPIC_PREFIX);
}

/** `gateway.delivery.failing` goes out after exactly this many failed attempts of one delivery: once per delivery. */
export const FAILING_AFTER_ATTEMPTS = 4;

/** The reason a `gateway.webhook.disabled` event gives when a person disabled the webhook. */
export const DISABLED_BY_PERSON = 'Disabled with updateWebhook (enabled: false)';

/** One attempt as an operational event shows it: what happened, not what was sent (no headers, no body). */
export type AttemptSummary = {
  attemptNumber: number;
  trigger: AttemptTrigger;
  outcome: AttemptOutcome;
  responseStatus: number | null;
  error: string | null;
  /** The URL as the attempt recorded it. */
  url: string;
  durationMs: number;
  /** ISO 8601. */
  finishedAt: string;
};

/**
 * Every operational event's payload has these fields, null where they do not apply (a webhook
 * enabled by a person concerns no delivery), so a receiver reads one shape.
 */
type OperationalPayload = {
  /** The webhook the event is about; it never receives the event itself. */
  webhookId: string;
  /** The delivery concerned, and the event (id and topic) it delivers: the original, never an operational one. */
  deliveryId: string | null;
  eventId: string | null;
  topic: string | null;
  /** Why, in a sentence: the disabledReason, or what happened to the delivery. */
  reason: string;
  /** The delivery's attempts so far, and the last of them. */
  attemptCount: number | null;
  lastAttempt: AttemptSummary | null;
};

type OperationalEvent = { topic: OperationalTopic; payload: OperationalPayload };

/** The webhook an event is about, when it is an operational one. */
export function aboutWebhook(event: { topic: string; payload: unknown }): string | null {
  if (!isReservedTopic(event.topic) || typeof event.payload !== 'object' || event.payload === null) return null;
  const { webhookId } = event.payload as { webhookId?: unknown };
  return typeof webhookId === 'string' ? webhookId : null;
}

/** What an attempt did to its delivery: enough to decide what is told, before anything is built. */
type AttemptStep = {
  /** The delivery's status before the attempt was recorded. */
  statusBefore: DeliveryStatus;
  /** Its attempts, this one included. */
  attemptCount: number;
  succeeded: boolean;
  /** The outcome rules ended the delivery because its retries were used up. */
  retriesSpent: boolean;
};

/**
 * What one recorded attempt tells the tenant, in this order: failing (the FAILING_AFTER_ATTEMPTS-th
 * failure of a delivery that never succeeded), exhausted (retries used up), recovered (a success
 * after failures). A delivery that never succeeded has had only failed attempts: a success makes
 * it SUCCEEDED for good. Usually none, so the recorder builds nothing.
 */
export function attemptTopics(step: AttemptStep): OperationalTopic[] {
  const everSucceeded = step.statusBefore === 'SUCCEEDED';
  const topics: OperationalTopic[] = [];
  if (!step.succeeded && !everSucceeded && step.attemptCount === FAILING_AFTER_ATTEMPTS) topics.push(operationalTopics.deliveryFailing);
  if (step.retriesSpent) topics.push(operationalTopics.deliveryExhausted);
  if (step.succeeded && !everSucceeded && step.attemptCount > 1) topics.push(operationalTopics.deliveryRecovered);
  return topics;
}

/** The delivery and attempt an event is about. */
type AttemptCause = {
  delivery: { id: string; eventId: string; topic: string; attemptCount: number };
  attempt: AttemptSummary;
};

const reasons: Partial<Record<OperationalTopic, (attemptCount: number) => string>> = {
  [operationalTopics.deliveryFailing]: () => `${FAILING_AFTER_ATTEMPTS} failed attempts of one delivery`,
  [operationalTopics.deliveryExhausted]: (count) => `Retries used up after ${count} attempts: the delivery is FAILED`,
  [operationalTopics.deliveryRecovered]: (count) => `Succeeded after ${count - 1} failed attempt${count === 2 ? '' : 's'}`,
};

/** One of attemptTopics' events about the webhook's delivery; gateway.webhook.disabled has its own builder. */
export function deliveryEvent(topic: OperationalTopic, webhookId: string, cause: AttemptCause): OperationalEvent {
  const reason = reasons[topic];
  if (!reason) throw new Error(`${topic} is not about a delivery`);
  return { topic, payload: payloadOf(webhookId, cause, reason(cause.delivery.attemptCount)) };
}

function payloadOf(webhookId: string, cause: AttemptCause | null, reason: string): OperationalPayload {
  return {
    webhookId,
    deliveryId: cause?.delivery.id ?? null,
    eventId: cause?.delivery.eventId ?? null,
    topic: cause?.delivery.topic ?? null,
    reason,
    attemptCount: cause?.delivery.attemptCount ?? null,
    lastAttempt: cause?.attempt ?? null,
  };
}

/** The webhook was disabled: by the gateway or its endpoint (with the attempt that did it), or by a person. */
export function webhookDisabledEvent(webhookId: string, reason: string, cause: AttemptCause | null): OperationalEvent {
  return { topic: operationalTopics.webhookDisabled, payload: payloadOf(webhookId, cause, reason) };
}

export function webhookEnabledEvent(webhookId: string): OperationalEvent {
  return { topic: operationalTopics.webhookEnabled, payload: payloadOf(webhookId, null, 'Enabled with updateWebhook (enabled: true)') };
}
