import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, secretKeyBytes, type Config } from '../config.ts';

/*
 * Where the secrets key comes from: SECRETS_KEY, else the key file (SECRETS_KEY_FILE, by default
 * beside the SQLite file). A key file that is not there is made by the caller once it knows no
 * secret needs the key it would replace (sealed-secrets.ts), so `npm start` on a fresh checkout
 * still needs no setting.
 */

export type SecretKeySource =
  | { key: Buffer; where: string }
  /** No SECRETS_KEY and no file at this path. */
  | { missingFile: string };

/** A key file that cannot be read or holds no key: the start stops with this message alone, as for a bad setting. */
export class SecretKeyFileError extends ConfigError {}

export function readSecretKey(config: Pick<Config, 'secrets' | 'databasePath' | 'databaseUrl'>): SecretKeySource {
  const { key, keyFile } = config.secrets;
  if (key !== null) return { key: secretKeyBytes(key)!, where: 'SECRETS_KEY' };
  // Nothing outlives an in-memory database, and a file beside ":memory:" would land in the working directory.
  if (!config.databaseUrl && config.databasePath === ':memory:')
    return { key: randomBytes(32), where: 'a key for this in-memory database' };
  return readKeyFile(keyFile) ?? { missingFile: keyFile };
}

/** The key in this file; undefined when there is no file. */
export function readKeyFile(path: string): { key: Buffer; where: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretKeyFileError(`cannot read the secrets key file ${path}: ${(error as Error).message}`);
  }
  const key = secretKeyBytes(text);
  if (!key) throw new SecretKeyFileError(`the secrets key file ${path} does not hold a key (32 bytes as base64 or 64 hex digits)`);
  return { key, where: `the key file ${path}` };
}

/**
 * Writes a new random key to `path`, readable by this user alone (0600). Two processes starting
 * at once on one fresh folder both end up with the one that was written first.
 */
export function createKeyFile(path: string): { key: Buffer; created: boolean } {
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { key, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: readKeyFile(path)!.key, created: false };
  }
}
