/*
 * Receiver control: an endpoint may answer any attempt with a `webhook-delivery` response
 * header (Svix's delivery-control header) to steer what the gateway does next.
 *   abort-message  stop retrying this delivery: it ends FAILED now, whatever the retry policy says
 *   disable        disable the webhook, with a reason saying the endpoint asked
 * Matched case-insensitively after trimming; any other value is ignored, so receivers can send
 * values a later version understands without harm.
 */

export const RECEIVER_DIRECTIVE_HEADER = 'webhook-delivery';

const receiverDirectives = ['ABORT_MESSAGE', 'DISABLE'] as const;
export type ReceiverDirective = (typeof receiverDirectives)[number];

const byHeaderValue: Readonly<Record<string, ReceiverDirective>> = { 'abort-message': 'ABORT_MESSAGE', disable: 'DISABLE' };

export function parseReceiverDirective(value: string | undefined): ReceiverDirective | null {
  return value === undefined ? null : (byHeaderValue[value.trim().toLowerCase()] ?? null);
}

export const DISABLED_BY_RECEIVER = `The endpoint asked to be disabled (${RECEIVER_DIRECTIVE_HEADER}: disable)`;
