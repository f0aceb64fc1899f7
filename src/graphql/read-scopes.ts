import type { ApiKeyScope } from '../domain/scopes.ts';

/*
 * Who may read what, once for the whole schema. Each type that holds tenant data names the scope
 * every one of its fields needs, whichever way a query reaches it: a root field, a mutation's
 * payload, a union member, `node(id:)`, a subscription. The checks run before the field resolves
 * and only look at the key's scopes, so a refused field costs no database query.
 */
export const readScopes = {
  Webhook: 'WEBHOOKS_READ',
  HttpHeader: 'WEBHOOKS_READ',
  RetryPolicy: 'WEBHOOKS_READ',
  PayloadFilter: 'WEBHOOKS_READ',
  WebengageConfiguration: 'WEBHOOKS_READ',
  WebhookConfiguration: 'WEBHOOKS_READ',
  WebhookStats: 'WEBHOOKS_READ',
  WebhookActivity: 'WEBHOOKS_READ',
  HeldDeliveries: 'WEBHOOKS_READ',
  ActivityMinute: 'WEBHOOKS_READ',
  Event: 'WEBHOOKS_READ',
  Delivery: 'WEBHOOKS_READ',
  DeliveryAttempt: 'WEBHOOKS_READ',
  ApiKey: 'ADMIN',
  AuditLogEntry: 'ADMIN',
} as const satisfies Record<string, ApiKeyScope>;

export type GuardedType = keyof typeof readScopes;

/** The type-level `authScopes` of a guarded type. */
export function readableWith(type: GuardedType) {
  return { scope: readScopes[type] };
}

/** Fields that need a scope on top of their type's. */
export const signingSecretScopes = { scope: 'WEBHOOKS_SECRETS' } as const;

/**
 * The `id` of Webhook, Event, Delivery and DeliveryAttempt: readable by any key that reaches the
 * object, because it is the handle a mutation hands back to keys that may not read the rest
 * (createWebhook to WEBHOOKS_WRITE, publishEvent to EVENTS_PUBLISH, sendTestEvent's delivery).
 */
export const openId = { skipTypeScopes: true } as const;

/** The scope needed to read objects of this GraphQL type, if it is guarded. */
export function readScopeOf(typeName: string): ApiKeyScope | undefined {
  return Object.hasOwn(readScopes, typeName) ? readScopes[typeName as GuardedType] : undefined;
}
