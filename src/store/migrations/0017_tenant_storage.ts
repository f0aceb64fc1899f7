// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { EVENT_ROW_OVERHEAD_BYTES } from '../../domain/storage.ts';
import { byteLengthSql } from '../dialect.ts';

/**
 * Storage quotas (issue 26, item 6).
 *
 * tenants.stored_bytes: what the tenant's events take (domain/storage.ts), counted up by each
 * write and down by each delete in the same transaction (store/storage.ts), so a publish can be
 * refused before it stores anything. Backfilled here from the events already stored.
 *
 * events.retain: 1 keeps an event that reached no webhook for the whole event retention; 0 lets
 * the pruner delete it after UNMATCHED_EVENT_RETENTION_SECONDS. Events stored before this
 * migration were published under the promise of the whole retention, so the column's default
 * (which only they take: every insert sets it) keeps them. The partial index is what the
 * pruner's unmatched sweep reads, so the sweep never walks the events that reached a webhook.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tenants')
    .addColumn('stored_bytes', sql`bigint`, (c) => c.notNull().defaultTo(0))
    .execute();
  const bytes = byteLengthSql(db, 'events.payload');
  await sql`update tenants set stored_bytes = coalesce((select sum(${bytes} + ${sql.lit(EVENT_ROW_OVERHEAD_BYTES)}) from events where events.tenant_id = tenants.id), 0)`.execute(
    db,
  );
  await db.schema
    .alterTable('events')
    .addColumn('retain', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('events_unmatched')
    .on('events')
    .column('id')
    .where(sql.ref('delivery_count'), '=', 0)
    .where(sql.ref('retain'), '=', 0)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_unmatched').execute();
  await db.schema.alterTable('events').dropColumn('retain').execute();
  await db.schema.alterTable('tenants').dropColumn('stored_bytes').execute();
}
