import type { EventRow } from '../store/db.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { OutboundRequest } from './dispatcher.ts';
import { signPayload } from './signer.ts';

const USER_AGENT = 'webhook-gateway/0.1 (+Standard Webhooks)';

/** Secrets that sign right now: the current one, and the previous one until its overlap ends. */
function activeSecrets(webhook: Webhook, now: number): string[] {
  const previous =
    webhook.previousSigningSecret && webhook.previousSecretExpiresAt !== null && webhook.previousSecretExpiresAt > now
      ? [webhook.previousSigningSecret]
      : [];
  return [webhook.signingSecret, ...previous];
}

/**
 * The Standard Webhooks envelope: `{"type","timestamp","data"}`. The payload is stored as JSON
 * text and spliced in as is, so what the tenant published is what the receiver gets.
 */
export function envelope(event: Pick<EventRow, 'topic' | 'created_at' | 'payload'>): string {
  return `{"type":${JSON.stringify(event.topic)},"timestamp":"${new Date(event.created_at).toISOString()}","data":${event.payload}}`;
}

/** The HTTP request one attempt sends. `webhook-id` is the event id, the same on every retry. */
export function buildRequest(webhook: Webhook, event: EventRow, now: number): OutboundRequest {
  const body = envelope(event);
  const timestamp = Math.floor(now / 1000);
  const webengage = webhook.type === 'WEBENGAGE' ? webhook.configuration.webengage : null;
  const bearer = webengage ? webengage.token : webhook.bearerToken;
  const headers: Record<string, string> = {};
  for (const header of webhook.headers) headers[header.name.toLowerCase()] = header.value;
  Object.assign(headers, {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload({ id: event.id, timestamp, body, secrets: activeSecrets(webhook, now) }),
  });
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return { url: webengage?.webhookUrl ?? webhook.url, headers, body, timeoutMs: webhook.timeoutSeconds * 1000 };
}
