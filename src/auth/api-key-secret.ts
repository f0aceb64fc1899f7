import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'whgw_';
/** Enough of the key to recognise it in a list, far too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;

type MintedKey = { key: string; prefix: string; hash: string };

export function mintApiKey(): MintedKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

// Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
