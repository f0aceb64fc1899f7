import { createHmac } from 'node:crypto';
import { signingKeyBytes } from '../domain/signing-secret.ts';

/* Standard Webhooks signing: https://www.standardwebhooks.com/ */

/** The `webhook-signature` header: one `v1,<signature>` per secret (two during a rotation). */
export function signPayload(params: { id: string; timestamp: number; body: string; secrets: string[] }): string {
  const signed = `${params.id}.${params.timestamp}.${params.body}`;
  return params.secrets
    .map((secret) => {
      const key = signingKeyBytes(secret);
      if (key === null) throw new Error('invalid signing secret');
      return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
    })
    .join(' ');
}
