/*
 * The longest string each argument and input field accepts, and how deep a JSON value may nest.
 * Checked for every field before its resolver runs (src/graphql/input-limits-plugin.ts), so
 * nothing over these reaches a service or SQLite; the mutations' own rules (webhook-rules.ts,
 * the services) then say what a valid value looks like within them.
 *
 * Keys are schema coordinates: `Type.field(argument)` for arguments, `InputType.field` for input
 * fields. A test checks that every string-like position of the schema is listed here, and the
 * README's limits section lists the same values.
 */

/** Ids are a short prefix and a ULID (`wh_01J…`, 29 characters); cursors are ids. */
export const ID_MAX_LENGTH = 64;
export const URL_MAX_LENGTH = 2048;
export const TOPIC_MAX_LENGTH = 200;
/** A key the caller chooses for an event: idempotency and ordering keys. */
export const CALLER_KEY_MAX_LENGTH = 255;
/** A channel name (whatsapp, sms): an event's channelType and a webhook's channelTypes. */
export const CHANNEL_TYPE_MAX_LENGTH = 64;
/** A JSON value (an event payload) may hold objects and arrays nested this deep. */
export const MAX_JSON_DEPTH = 32;

export const stringLimits: Readonly<Record<string, number>> = {
  'Query.node(id)': ID_MAX_LENGTH,
  'Query.webhook(id)': ID_MAX_LENGTH,
  'Query.delivery(id)': ID_MAX_LENGTH,
  'Query.event(id)': ID_MAX_LENGTH,
  'Query.webhooks(before)': ID_MAX_LENGTH,
  'Query.webhooks(after)': ID_MAX_LENGTH,
  'Query.events(before)': ID_MAX_LENGTH,
  'Query.events(after)': ID_MAX_LENGTH,
  'Query.events(topic)': TOPIC_MAX_LENGTH,
  'Webhook.deliveries(before)': ID_MAX_LENGTH,
  'Webhook.deliveries(after)': ID_MAX_LENGTH,
  'WebhookFilter.topic': TOPIC_MAX_LENGTH,
  'WebhookFilter.search': 200,
  'Subscription.deliveryAttempts(webhookId)': ID_MAX_LENGTH,
  'Subscription.deliveryAttempts(eventId)': ID_MAX_LENGTH,
  'Subscription.deliveryUpdated(webhookId)': ID_MAX_LENGTH,
  'Mutation.revokeApiKey(id)': ID_MAX_LENGTH,
  'Mutation.updateWebhook(id)': ID_MAX_LENGTH,
  'Mutation.deleteWebhook(id)': ID_MAX_LENGTH,
  'Mutation.rotateSigningSecret(id)': ID_MAX_LENGTH,
  'Mutation.rotateSigningSecret(signingSecret)': 100,
  'Mutation.pauseWebhook(id)': ID_MAX_LENGTH,
  'Mutation.resumeWebhook(id)': ID_MAX_LENGTH,
  'Mutation.redeliver(deliveryId)': ID_MAX_LENGTH,
  'Mutation.redeliverFailed(webhookId)': ID_MAX_LENGTH,
  'Mutation.sendTestEvent(webhookId)': ID_MAX_LENGTH,
  'Mutation.recoverDeliveries(webhookId)': ID_MAX_LENGTH,
  'Mutation.replayEvents(webhookId)': ID_MAX_LENGTH,
  'Query.deliveries(before)': ID_MAX_LENGTH,
  'Query.deliveries(after)': ID_MAX_LENGTH,
  'DeliveryFilter.webhookId': ID_MAX_LENGTH,
  'DeliveryFilter.topic': TOPIC_MAX_LENGTH,
  'CreateApiKeyInput.name': 100,
  'CreateWebhookInput.url': URL_MAX_LENGTH,
  'CreateWebhookInput.topics': TOPIC_MAX_LENGTH,
  'CreateWebhookInput.name': 150,
  'CreateWebhookInput.bearerToken': 2000,
  'CreateWebhookInput.signingSecret': 100,
  'UpdateWebhookInput.url': URL_MAX_LENGTH,
  'UpdateWebhookInput.topics': TOPIC_MAX_LENGTH,
  'UpdateWebhookInput.name': 150,
  'UpdateWebhookInput.bearerToken': 2000,
  'HttpHeaderInput.name': 256,
  'HttpHeaderInput.value': 4096,
  'PayloadFilterInput.field': 200,
  'PayloadFilterInput.expression': 500,
  'WebengageConfigurationInput.webhookUrl': URL_MAX_LENGTH,
  'WebengageConfigurationInput.token': 2000,
  'WebhookConfigurationInput.channelTypes': CHANNEL_TYPE_MAX_LENGTH,
  'PublishEventInput.topic': TOPIC_MAX_LENGTH,
  'PublishEventInput.channelType': CHANNEL_TYPE_MAX_LENGTH,
  'PublishEventInput.idempotencyKey': CALLER_KEY_MAX_LENGTH,
  'PublishEventInput.orderingKey': CALLER_KEY_MAX_LENGTH,
};

/** `Webhook.activity(minutes)`: the window it may ask for (a day), the default (an hour), clamped between 1 and the maximum. */
export const activityMinutes = { default: 60, max: 1440 } as const;

export function clampActivityMinutes(asked: number | null | undefined): number {
  return Math.min(Math.max(Math.trunc(asked ?? activityMinutes.default), 1), activityMinutes.max);
}

/** For a position a new field added without a limit: still bounded. */
export const DEFAULT_STRING_MAX_LENGTH = 1000;

export const tooLong = (max: number) => `must be at most ${max} characters`;
export const tooDeep = `must be nested at most ${MAX_JSON_DEPTH} levels deep`;

/**
 * Whether objects and arrays in `value` nest deeper than `max` (`{}` and `[]` are one level).
 * A loop with its own stack, never recursion: the value may be nested thousands deep.
 */
export function jsonTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
