import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * Webhook credentials at rest (issue 26 item 5): each value sealed with AES-256-GCM under the
 * gateway's secrets key, so a copied database file holds none of them. A sealed value is text:
 *
 *   enc:v1:<key id>:<iv>:<tag>:<ciphertext>     (base64url, 12-byte random IV per value)
 *
 * The key id (a hash of the key, never the key) says which key sealed it, so a start with the
 * wrong key is named at once; text without the prefix is a value from before sealing, read as it
 * is until the start-up pass (sealed-secrets.ts) seals it.
 */

const PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A sealed value this box's key did not seal (or that was altered): the message names both key ids. */
export class SecretKeyMismatchError extends Error {
  constructor(
    readonly sealedWith: string,
    readonly keyId: string,
  ) {
    super(`a secret in this database was sealed with key ${sealedWith}; the configured key (${keyId}) does not open it`);
  }
}

/** A short, stable name for a key: shown in messages and stored with each value, says nothing of the key. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('webhook-gateway secrets key id\0').update(key).digest('base64url').slice(0, 12);
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The key id a sealed value names; null for a clear one. */
export function sealedWith(stored: string): string | null {
  return isSealed(stored) ? (stored.slice(PREFIX.length).split(':', 1)[0] ?? null) : null;
}

export function createSecretBox(key: Buffer) {
  if (key.length !== KEY_BYTES) throw new Error(`a secrets key is ${KEY_BYTES} bytes, not ${key.length}`);
  const keyId = secretKeyId(key);

  return {
    keyId,

    seal(plain: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const parts = [keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')];
      return `${PREFIX}${parts.join(':')}`;
    },

    /** The clear value: a sealed one opened with this key, a clear one (from before sealing) as it is. */
    open(stored: string): string {
      if (!isSealed(stored)) return stored;
      const [id = '', iv = '', tag = '', ciphertext = ''] = stored.slice(PREFIX.length).split(':');
      if (id !== keyId) throw new SecretKeyMismatchError(id, keyId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretKeyMismatchError(id, keyId);
      }
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
