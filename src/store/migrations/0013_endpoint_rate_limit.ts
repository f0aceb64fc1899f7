// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

/** A webhook's cap on attempts per second, and its recent claims the cap is counted on (one row per capped webhook). */
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('webhooks').addColumn('rate_limit_per_second', 'integer').execute();
  await db.schema
    .createTable('endpoint_rates')
    .addColumn('webhook_id', t.id, (c) => c.primaryKey())
    // JSON array of the epoch-ms times of its claims in the last rate window (store/endpoint-rates.ts).
    .addColumn('recent', 'text', (c) => c.notNull())
    .execute();
  // Every claim looks up the capped webhooks: the few rows that have a cap.
  await db.schema
    .createIndex('webhooks_rate_limited')
    .on('webhooks')
    .column('id')
    .where(sql.ref('rate_limit_per_second'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhooks_rate_limited').execute();
  await db.schema.dropTable('endpoint_rates').execute();
  await db.schema.alterTable('webhooks').dropColumn('rate_limit_per_second').execute();
}
