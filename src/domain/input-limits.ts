/*
 * The longest string each argument and input field accepts, and how deep a JSON value may nest.
 * Checked for every field before its resolver runs (src/graphql/input-limits-plugin.ts), so
 * nothing over these reaches a service or SQLite; the mutations' own rules (webhook-rules.ts,
 * the services) then say what a valid value looks like within them.
 *
 * Keys are schema coordinates: `Type.field(argument)` for arguments, `InputType.field` for input
 * fields. A test checks that every string-like position of the schema is listed here; the
 * numbers are src/domain/limits.ts's, and docs/input-limits.md lists them.
 */

import { inputLimits } from './limits.ts';

const ID_LENGTH = inputLimits.idLength.max;
const URL_LENGTH = inputLimits.urlLength.max;
const TOPIC_LENGTH = inputLimits.topicLength.max;
const CALLER_KEY_LENGTH = inputLimits.callerKeyLength.max;
const CHANNEL_TYPE_LENGTH = inputLimits.channelTypeLength.max;
const BEARER_TOKEN_LENGTH = inputLimits.bearerTokenLength.max;
const SIGNING_SECRET_LENGTH = inputLimits.signingSecretLength.max;
const WEBHOOK_NAME_LENGTH = inputLimits.webhookNameLength.max;

export const stringLimits: Readonly<Record<string, number>> = {
  'Query.node(id)': ID_LENGTH,
  'Query.webhook(id)': ID_LENGTH,
  'Query.delivery(id)': ID_LENGTH,
  'Query.event(id)': ID_LENGTH,
  'Query.webhooks(before)': ID_LENGTH,
  'Query.webhooks(after)': ID_LENGTH,
  'Query.events(before)': ID_LENGTH,
  'Query.events(after)': ID_LENGTH,
  'Query.events(topic)': TOPIC_LENGTH,
  'Webhook.deliveries(before)': ID_LENGTH,
  'Webhook.deliveries(after)': ID_LENGTH,
  'WebhookFilter.topic': TOPIC_LENGTH,
  'WebhookFilter.search': inputLimits.searchLength.max,
  'Subscription.deliveryAttempts(webhookId)': ID_LENGTH,
  'Subscription.deliveryAttempts(eventId)': ID_LENGTH,
  'Subscription.deliveryUpdated(webhookId)': ID_LENGTH,
  'Mutation.revokeApiKey(id)': ID_LENGTH,
  'Mutation.updateWebhook(id)': ID_LENGTH,
  'Mutation.deleteWebhook(id)': ID_LENGTH,
  'Mutation.rotateSigningSecret(id)': ID_LENGTH,
  'Mutation.rotateSigningSecret(signingSecret)': SIGNING_SECRET_LENGTH,
  'Mutation.pauseWebhook(id)': ID_LENGTH,
  'Mutation.resumeWebhook(id)': ID_LENGTH,
  'Mutation.redeliver(deliveryId)': ID_LENGTH,
  'Mutation.redeliverFailed(webhookId)': ID_LENGTH,
  'Mutation.sendTestEvent(webhookId)': ID_LENGTH,
  'Mutation.recoverDeliveries(webhookId)': ID_LENGTH,
  'Mutation.replayEvents(webhookId)': ID_LENGTH,
  'Query.deliveries(before)': ID_LENGTH,
  'Query.deliveries(after)': ID_LENGTH,
  'DeliveryFilter.webhookId': ID_LENGTH,
  'DeliveryFilter.topic': TOPIC_LENGTH,
  'Query.auditLog(before)': ID_LENGTH,
  'Query.auditLog(after)': ID_LENGTH,
  'AuditLogFilter.mutation': inputLimits.mutationNameLength.max,
  'AuditLogFilter.keyId': ID_LENGTH,
  'CreateApiKeyInput.name': inputLimits.apiKeyNameLength.max,
  'CreateWebhookInput.url': URL_LENGTH,
  'CreateWebhookInput.topics': TOPIC_LENGTH,
  'CreateWebhookInput.name': WEBHOOK_NAME_LENGTH,
  'CreateWebhookInput.bearerToken': BEARER_TOKEN_LENGTH,
  'CreateWebhookInput.signingSecret': SIGNING_SECRET_LENGTH,
  'UpdateWebhookInput.url': URL_LENGTH,
  'UpdateWebhookInput.topics': TOPIC_LENGTH,
  'UpdateWebhookInput.name': WEBHOOK_NAME_LENGTH,
  'UpdateWebhookInput.bearerToken': BEARER_TOKEN_LENGTH,
  'HttpHeaderInput.name': inputLimits.headerNameLength.max,
  'HttpHeaderInput.value': inputLimits.headerValueLength.max,
  'PayloadFilterInput.field': inputLimits.filterFieldLength.max,
  'PayloadFilterInput.expression': inputLimits.filterExpressionLength.max,
  'WebengageConfigurationInput.webhookUrl': URL_LENGTH,
  'WebengageConfigurationInput.token': BEARER_TOKEN_LENGTH,
  'WebhookConfigurationInput.channelTypes': CHANNEL_TYPE_LENGTH,
  'PublishEventInput.topic': TOPIC_LENGTH,
  'PublishEventInput.channelType': CHANNEL_TYPE_LENGTH,
  'PublishEventInput.idempotencyKey': CALLER_KEY_LENGTH,
  'PublishEventInput.orderingKey': CALLER_KEY_LENGTH,
};

/** `Webhook.activity(minutes)`, clamped into its range: the default when absent. */
export function clampActivityMinutes(asked: number | null | undefined): number {
  const { min, max } = inputLimits.activityMinutes;
  return Math.min(Math.max(Math.trunc(asked ?? inputLimits.activityMinutes.default), min), max);
}

/** For a position a new field added without a limit: still bounded. */
export const DEFAULT_STRING_MAX_LENGTH = inputLimits.otherStringLength.max;

export const tooLong = (max: number) => `must be at most ${max} characters`;
export const tooDeep = `must be nested at most ${inputLimits.payloadDepth.max} levels deep`;

/**
 * Whether objects and arrays in `value` nest deeper than `max` (`{}` and `[]` are one level).
 * A loop with its own stack, never recursion: the value may be nested thousands deep.
 */
export function jsonTooDeep(value: unknown, max: number = inputLimits.payloadDepth.max): boolean {
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
