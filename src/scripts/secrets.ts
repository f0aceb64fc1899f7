import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, secretKeyBytes } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openDatabase } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { dropOldCopies, openSecretBox, rewriteSecrets } from '../store/sealed-secrets.ts';
import { createSecretBox } from '../store/secret-box.ts';
import { createKeyFile, readKeyFile } from '../store/secret-key.ts';

const usage = `Usage: npm run secrets -- rotate [--new-key-file PATH]

Re-seals every webhook's secrets (signing secrets, bearer and webengage tokens, header values)
under a new key, in one transaction. Stop every gateway on this database first.
The old key is the configured one (SECRETS_KEY, or SECRETS_KEY_FILE / the key file beside DATABASE_PATH).
The new key: NEW_SECRETS_KEY (32 bytes, base64 or hex), or the key in --new-key-file PATH (a new
random key is written there, mode 0600, when there is no file). With neither, a new key replaces
the configured key file (it must be the key file then, not SECRETS_KEY).
Uses DATABASE_URL when set (Postgres), else DATABASE_PATH (default ./data/gateway.db).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

/** The new key and where it is; `pending`: written beside the key file, moved over it once the re-seal committed. */
function newKey(config: ReturnType<typeof loadConfig>, newKeyFile: string | undefined) {
  const fromEnv = process.env.NEW_SECRETS_KEY;
  if (fromEnv) {
    const key = secretKeyBytes(fromEnv);
    if (!key) fail('NEW_SECRETS_KEY: must be 32 bytes as 64 hex digits or as base64 (openssl rand -base64 32)');
    return { key, where: 'NEW_SECRETS_KEY', pending: null };
  }
  if (newKeyFile) {
    if (resolve(newKeyFile) === resolve(config.secrets.keyFile)) fail('--new-key-file names the current key file: name another one');
    return { key: readKeyFile(newKeyFile)?.key ?? createKeyFile(newKeyFile).key, where: `the key file ${newKeyFile}`, pending: null };
  }
  if (config.secrets.key !== null) fail('SECRETS_KEY is set: give the new key as NEW_SECRETS_KEY or --new-key-file');
  // Written before the re-seal commits, so the key the database needs exists on disk whatever happens next.
  const pending = `${config.secrets.keyFile}.new`;
  if (existsSync(pending))
    fail(`${pending} exists (an earlier rotation that did not finish?): check which key the database needs, then remove it`);
  const key = randomBytes(32);
  writeFileSync(pending, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, where: `the key file ${config.secrets.keyFile}`, pending };
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'new-key-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals[0] !== 'rotate') fail(`unknown command: ${positionals[0] ?? '(none)'}`);

  const config = loadConfig();
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    // The start's own check: the configured key must open what is sealed (and seals what is clear).
    const { box: old } = await openSecretBox(db, config, createLogger('warn'));
    const next = newKey(config, values['new-key-file']);
    const box = createSecretBox(next.key);
    if (box.keyId === old.keyId) fail('the new key is the key in use');
    const webhooks = await db.transaction().execute((trx) => rewriteSecrets(trx, (stored) => box.seal(old.open(stored))));
    await dropOldCopies(db);
    if (next.pending) renameSync(next.pending, config.secrets.keyFile);
    process.stdout.write(
      `Re-sealed the secrets of ${webhooks} webhooks with key ${box.keyId} (was ${old.keyId}).\n` +
        (next.pending
          ? `The new key replaced ${config.secrets.keyFile}; back it up with the database. The old key opens nothing now.\n`
          : `Start the gateway with the new key (${next.where}): set ${next.where === 'NEW_SECRETS_KEY' ? 'SECRETS_KEY to it' : `SECRETS_KEY_FILE to ${values['new-key-file']}, or move it to ${config.secrets.keyFile}`}, and back it up with the database.\n`),
    );
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  } finally {
    await db.destroy();
  }
}

await main();
