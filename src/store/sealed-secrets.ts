import { sql } from 'kysely';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.ts';
import type { HttpHeader } from '../domain/webhook.ts';
import { parseJson, type Db, type Executor, type WebhookRow } from './db.ts';
import { engineOf } from './dialect.ts';
import { createSecretBox, isSealed, sealedWith, SecretKeyMismatchError, type SecretBox } from './secret-box.ts';
import { createKeyFile, readSecretKey } from './secret-key.ts';

/*
 * The webhooks' stored credentials as a whole: the start-up check that the configured key opens
 * them, the pass that seals values stored in clear (written before sealing existed), and the
 * re-seal under a new key (scripts/secrets.ts). The repository (webhooks.ts) seals and opens
 * them one webhook at a time.
 */

const SEALED_PATTERN = 'enc:v1:%';

type SecretColumns = Pick<WebhookRow, 'signing_secret' | 'previous_signing_secret' | 'bearer_token' | 'webengage_token' | 'headers'>;

/** Each credential of a row passed through `change`: the four columns and every header's value. */
export function mapSecretColumns(row: SecretColumns, change: (stored: string) => string): SecretColumns {
  const orNull = (value: string | null) => (value === null ? null : change(value));
  const headers = parseJson(row.headers).map((header: HttpHeader) => ({ ...header, value: change(header.value) }));
  return {
    signing_secret: change(row.signing_secret),
    previous_signing_secret: orNull(row.previous_signing_secret),
    bearer_token: orNull(row.bearer_token),
    webengage_token: orNull(row.webengage_token),
    headers: JSON.stringify(headers) as SecretColumns['headers'],
  };
}

/**
 * Rewrites every webhook's credentials through `change` (in the caller's transaction); returns
 * how many rows changed. All rows are read at once: webhooks number in the thousands, not millions.
 */
export async function rewriteSecrets(trx: Executor, change: (stored: string) => string): Promise<number> {
  // SQLite leaves a rewritten row's old bytes in its page: zeroed instead, so no copy of the file
  // keeps them (for this rewrite only: it costs writes wherever rows are deleted).
  const sqlite = engineOf(trx) === 'sqlite';
  const secureDelete = sqlite
    ? (await sql<{ secure_delete: number }>`pragma secure_delete`.execute(trx)).rows[0]?.secure_delete
    : undefined;
  if (sqlite) await sql`pragma secure_delete = on`.execute(trx);
  const rows = await trx
    .selectFrom('webhooks')
    .select(['id', 'signing_secret', 'previous_signing_secret', 'bearer_token', 'webengage_token', 'headers'])
    .orderBy('id')
    .execute();
  let changed = 0;
  for (const { id, ...stored } of rows) {
    const next = mapSecretColumns(stored, change);
    const same = (Object.keys(next) as (keyof SecretColumns)[]).every((column) => next[column] === stored[column]);
    if (same) continue;
    await trx.updateTable('webhooks').set(next).where('id', '=', id).execute();
    changed += 1;
  }
  if (sqlite) await sql.raw(`pragma secure_delete = ${secureDelete ?? 0}`).execute(trx);
  return changed;
}

/**
 * After a rewrite: the old values leave the files too. SQLite: the WAL, which still holds the
 * pages as they were, is copied back and emptied. Postgres: the table is rewritten, so the old
 * row versions (which a copy of its files would hold until a vacuum reuses them) are gone; the
 * server's own WAL archive, if any, is outside the gateway's reach.
 */
export async function dropOldCopies(db: Db): Promise<void> {
  if (engineOf(db) === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  else await sql`vacuum full webhooks`.execute(db);
}

/** One sealed value, if the database holds any: every webhook has a signing secret, sealed once the start-up pass ran. */
export async function anySealedSecret(db: Executor): Promise<string | null> {
  const row = await db
    .selectFrom('webhooks')
    .select('signing_secret')
    .where('signing_secret', 'like', SEALED_PATTERN)
    .limit(1)
    .executeTakeFirst();
  return row?.signing_secret ?? null;
}

/** The configured key does not open this database's secrets; the start stops with this message. */
export class SecretsKeyError extends ConfigError {}

/**
 * The box this database's credentials are sealed with, checked before anything is served: the
 * configured key must open a sealed value (so a wrong or missing key stops the start, not the
 * first delivery); a missing key file is written only when no secret needs another key; values
 * still in clear are sealed. Idempotent: a second start finds nothing to seal.
 */
export async function openSecretBox(
  db: Db,
  config: Pick<Config, 'secrets' | 'databasePath' | 'databaseUrl'>,
  logger: Logger,
): Promise<{ box: SecretBox; key: Buffer }> {
  const sample = await anySealedSecret(db);
  let source = readSecretKey(config);
  if ('missingFile' in source) {
    const path = source.missingFile;
    if (sample) {
      throw new SecretsKeyError(
        `secrets in this database were sealed with key ${sealedWith(sample)}; there is no SECRETS_KEY and no key file at ${path} to open them. ` +
          'Set SECRETS_KEY or SECRETS_KEY_FILE to the key they were sealed with (README: "Secrets at rest").',
      );
    }
    const { key, created } = createKeyFile(path);
    if (created) {
      logger.warn(
        { keyFile: path },
        "wrote a new secrets key file (mode 0600): it seals the webhooks' secrets in the database; back it up with the database, without it they cannot be read",
      );
    }
    source = { key, where: `the key file ${path}` };
  }
  const box = createSecretBox(source.key);
  if (sample) {
    try {
      box.open(sample);
    } catch (error) {
      if (!(error instanceof SecretKeyMismatchError)) throw error;
      throw new SecretsKeyError(
        `secrets in this database were sealed with key ${error.sealedWith}; ${source.where} (key ${box.keyId}) does not open them. ` +
          'Start with the key they were sealed with (README: "Secrets at rest").',
      );
    }
  }
  const sealed = await db.transaction().execute((trx) => rewriteSecrets(trx, (stored) => (isSealed(stored) ? stored : box.seal(stored))));
  if (sealed > 0) {
    await dropOldCopies(db);
    logger.info({ webhooks: sealed }, 'sealed webhook secrets that were stored in clear');
  }
  return { box, key: source.key };
}
