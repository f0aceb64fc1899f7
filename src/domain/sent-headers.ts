import type { HttpHeader } from './webhook.ts';

/*
 * What an attempt records of the request it sent. Anyone with WEBHOOKS_READ may read attempts,
 * so a value that could let its reader act as the gateway or as the tenant towards the receiver
 * is never stored: credentials (Authorization, anything named like a token, key, secret,
 * password or cookie) and the signature, which with the payload and timestamp would let a
 * reader replay a request the receiver accepts. Their names stay, so the page shows they were sent.
 */

const REDACTED = '[redacted]';

const CREDENTIAL_NAME = /authorization|token|secret|key|password|cookie|signature|session|credential/i;

function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** The request's headers as recorded on its attempt: in the order sent, credentials redacted. */
export function recordedHeaders(sent: Readonly<Record<string, string>>): HttpHeader[] {
  return Object.entries(sent).map(([name, value]) => ({ name, value: isCredentialHeader(name) ? REDACTED : value }));
}
