import { createHmac, randomBytes } from 'node:crypto';

/* Standard Webhooks signing: https://www.standardwebhooks.com/ */

const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

function keyBytes(secret: string): Buffer | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const encoded = secret.slice(SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder skips characters it does not know and accepts URL-safe ones; re-encoding
  // catches both, as well as missing padding and non-canonical trailing bits.
  if (key.toString('base64') !== encoded) return null;
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) return null;
  return key;
}

export function isValidSigningSecret(secret: string): boolean {
  return keyBytes(secret) !== null;
}

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The `webhook-signature` header: one `v1,<signature>` per secret (two during a rotation). */
export function signPayload(params: { id: string; timestamp: number; body: string; secrets: string[] }): string {
  const signed = `${params.id}.${params.timestamp}.${params.body}`;
  return params.secrets
    .map((secret) => {
      const key = keyBytes(secret);
      if (key === null) throw new Error('invalid signing secret');
      return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
    })
    .join(' ');
}
