import { randomBytes } from 'node:crypto';
import { inputLimits } from './limits.ts';

/* The Standard Webhooks secret format: whsec_ and the base64 of a random key (its size: limits.ts). */

const SECRET_PREFIX = 'whsec_';
const { min: MIN_KEY_BYTES, max: MAX_KEY_BYTES } = inputLimits.signingSecretBytes;

/** The HMAC key a secret stands for, or null when it is not a well-formed secret. */
export function signingKeyBytes(secret: string): Buffer | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const encoded = secret.slice(SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder skips characters it does not know and accepts URL-safe ones; re-encoding
  // catches both, as well as missing padding and non-canonical trailing bits.
  if (key.toString('base64') !== encoded) return null;
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) return null;
  return key;
}

/** What a ValidationError says of a malformed secret (never the secret itself). */
export const signingSecretRule = `must be whsec_ followed by the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} random bytes`;

export function isValidSigningSecret(secret: string): boolean {
  return signingKeyBytes(secret) !== null;
}

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
