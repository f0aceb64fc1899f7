// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';

/**
 * The claim seeks per webhook (store/leases.ts): the webhooks with open deliveries one index seek
 * each, then each one's oldest due rows. Scanning all due rows in time order instead walked a
 * whole backlog row by row whenever its webhook sat at its cap, paused or out of rate room.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('deliveries_webhook_due')
    .on('deliveries')
    .columns(['webhook_id', 'next_attempt_at', 'id'])
    .where(sql.ref('next_attempt_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_webhook_due').execute();
}
