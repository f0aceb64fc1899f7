// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';

/*
 * One delivery per (event, webhook): replaying events to a webhook twice, or two replays at
 * once, creates each delivery once (insert ... on conflict do nothing), with no read before
 * the write. The unique index also serves every lookup by event, so the old one goes.
 *
 * The tenant-wide deliveries connection walks (tenant_id, id) newest first, or
 * (tenant_id, status, id) when it filters by status; by webhook it uses the indexes of 0002.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('deliveries_event_webhook').on('deliveries').columns(['event_id', 'webhook_id']).unique().execute();
  await db.schema.dropIndex('deliveries_event').execute();
  await db.schema.createIndex('deliveries_tenant_id').on('deliveries').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('deliveries_tenant_status').on('deliveries').columns(['tenant_id', 'status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_tenant_status').execute();
  await db.schema.dropIndex('deliveries_tenant_id').execute();
  await db.schema.createIndex('deliveries_event').on('deliveries').columns(['event_id']).execute();
  await db.schema.dropIndex('deliveries_event_webhook').execute();
}
