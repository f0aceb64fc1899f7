// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // Ids in C collation and 64-bit epoch milliseconds on Postgres; the same columns as before on SQLite.
  const t = columnTypes(db);
  await db.schema
    .createTable('events')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('channel_type', 'text')
    .addColumn('echo', 'integer', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('delivery_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_tenant_id').on('events').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('events_tenant_topic').on('events').columns(['tenant_id', 'topic', 'id']).execute();
  await db.schema
    .createIndex('events_idempotency')
    .on('events')
    .columns(['tenant_id', 'idempotency_key', 'created_at'])
    .where('idempotency_key', 'is not', null)
    .execute();

  // webhook_id has no foreign key: a deleted webhook's deliveries keep their history.
  await db.schema
    .createTable('deliveries')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('event_id', t.id, (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('webhook_id', t.id, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.time)
    .addColumn('next_trigger', 'text')
    .addColumn('locked_until', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  // The worker's claim walks only the due part of the queue.
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['next_attempt_at'])
    .where('next_attempt_at', 'is not', null)
    .execute();
  await db.schema.createIndex('deliveries_webhook').on('deliveries').columns(['webhook_id', 'id']).execute();
  await db.schema.createIndex('deliveries_webhook_status').on('deliveries').columns(['webhook_id', 'status', 'id']).execute();
  await db.schema.createIndex('deliveries_event').on('deliveries').columns(['event_id']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('delivery_id', t.id, (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('webhook_id', t.id, (c) => c.notNull())
    .addColumn('event_id', t.id, (c) => c.notNull())
    .addColumn('attempt_number', 'integer', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('finished_at', t.time, (c) => c.notNull())
    .addColumn('next_attempt_at', t.time)
    .execute();
  await db.schema.createIndex('attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt_number']).execute();
  await db.schema.createIndex('attempts_webhook').on('delivery_attempts').columns(['webhook_id', 'id']).execute();
  await db.schema.createIndex('attempts_finished').on('delivery_attempts').columns(['finished_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_attempts').execute();
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('events').execute();
}
