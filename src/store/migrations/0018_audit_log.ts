// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

/**
 * audit_log: one row per mutation called (issue 26 item 7): who (key id and prefix), which
 * mutation, the id it acted on, the arguments given with secrets redacted (domain/audit.ts), and
 * the result's __typename. No foreign key to api_keys or the target: the trail outlives both.
 * Ids are ULIDs minted at created_at, so time is an id range (as for deliveries): the pruner
 * deletes by the primary key, and (tenant_id, id) serves a tenant's newest-first pages with their
 * since/until filters. An index on (tenant_id, created_at, id) would not: pages are ordered by id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('audit_log')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('tenant_id', t.id, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key_id', t.id, (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('mutation', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    // JSON object of the arguments given, secret-bearing values redacted.
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_tenant_id').on('audit_log').columns(['tenant_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
}
