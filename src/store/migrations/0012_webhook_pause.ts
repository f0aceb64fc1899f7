// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

/**
 * Pause: a paused webhook's deliveries are held, not claimed (webhooks.paused_at), and a held
 * delivery failed past the hold caps says why (deliveries.failure_reason).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('webhooks').addColumn('paused_at', t.time).execute();
  await db.schema.alterTable('deliveries').addColumn('failure_reason', 'text').execute();
  // The claim leaves out paused webhooks: a lookup in the few rows that are paused.
  await db.schema.createIndex('webhooks_paused').on('webhooks').column('id').where(sql.ref('paused_at'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhooks_paused').execute();
  await db.schema.alterTable('deliveries').dropColumn('failure_reason').execute();
  await db.schema.alterTable('webhooks').dropColumn('paused_at').execute();
}
