import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

// Migrations take Kysely<any>: they must keep working when the app's types move on.
export async function up(db: Kysely<any>): Promise<void> {
  // Ids in C collation and 64-bit epoch milliseconds on Postgres; the same columns as before on SQLite.
  const t = columnTypes(db);
  await db.schema
    .createTable('tenants')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_used_at', t.time)
    .addColumn('revoked_at', t.time)
    .execute();
  await db.schema.createIndex('api_keys_tenant').on('api_keys').columns(['tenant_id', 'id']).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('bearer_token', 'text')
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_retries', 'integer', (c) => c.notNull())
    .addColumn('backoff_seconds', 'integer', (c) => c.notNull())
    .addColumn('backoff_strategy', 'text', (c) => c.notNull())
    .addColumn('echo', 'integer', (c) => c.notNull())
    .addColumn('channel_types', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('webengage_url', 'text')
    .addColumn('webengage_token', 'text')
    .addColumn('signing_secret', 'text', (c) => c.notNull())
    .addColumn('previous_signing_secret', 'text')
    .addColumn('previous_secret_expires_at', t.time)
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  // Newest-first pages per tenant walk this index; ids are ULIDs, so id order is creation order.
  await db.schema.createIndex('webhooks_tenant_id').on('webhooks').columns(['tenant_id', 'id']).execute();

  await db.schema
    .createTable('webhook_topics')
    .addColumn('tenant_id', t.id, (c) => c.notNull())
    .addColumn('webhook_id', t.id, (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_topics_pk', ['tenant_id', 'url', 'topic'])
    .execute();
  await db.schema.createIndex('webhook_topics_match').on('webhook_topics').columns(['tenant_id', 'topic']).execute();
  await db.schema.createIndex('webhook_topics_webhook').on('webhook_topics').column('webhook_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_topics').execute();
  await db.schema.dropTable('webhooks').execute();
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('tenants').execute();
}
