// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { createChangeTrigger, dropChangeTrigger, randomTokenSql } from '../dialect.ts';

/**
 * A tenant's webhooks version (tenants.webhooks_version): a new random token in the same
 * transaction as any change to any of its webhooks, made by the database itself so no writer,
 * on any thread or instance, can forget it. Caches of webhooks (store/webhook-cache.ts) are
 * good exactly as long as it stays the same.
 *
 * Every column but the failure count: the recorder moves that on most failed attempts, it is
 * read fresh where it matters (countFailure), and moving the version with it would empty every
 * cache of a failing tenant. test/webhook-cache.test.ts checks each column moves it, so a column
 * added later has to be added here (drop and create the trigger in that migration).
 */
const trigger = { name: 'webhooks_version', table: 'webhooks' };
const columns = [
  'id',
  'tenant_id',
  'name',
  'url',
  'type',
  'topics',
  'enabled',
  'disabled_reason',
  'headers',
  'bearer_token',
  'timeout_seconds',
  'max_retries',
  'backoff_seconds',
  'backoff_strategy',
  'echo',
  'channel_types',
  'filters',
  'webengage_url',
  'webengage_token',
  'signing_secret',
  'previous_signing_secret',
  'previous_secret_expires_at',
  'rate_limit_per_second',
  'paused_at',
  'created_at',
  'updated_at',
];

export async function up(db: Kysely<any>): Promise<void> {
  const token = randomTokenSql(db);
  await db.schema
    .alterTable('tenants')
    .addColumn('webhooks_version', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql.raw(`update tenants set webhooks_version = ${token}`).execute(db);
  await createChangeTrigger(db, {
    ...trigger,
    updateOf: columns,
    statement: (row) => `update tenants set webhooks_version = ${token} where id = ${row}.tenant_id`,
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropChangeTrigger(db, trigger);
  await db.schema.alterTable('tenants').dropColumn('webhooks_version').execute();
}
