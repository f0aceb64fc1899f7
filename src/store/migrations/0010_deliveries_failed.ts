// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';

/** FAILED deliveries only: the metrics scrape counts them without reading the whole table. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('deliveries_failed').on('deliveries').column('id').where(sql.ref('status'), '=', 'FAILED').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_failed').execute();
}
