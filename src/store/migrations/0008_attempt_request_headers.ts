// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';

/** The headers each attempt sent, credentials redacted (JSON text; null for attempts made before this). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('delivery_attempts').addColumn('request_headers', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('delivery_attempts').dropColumn('request_headers').execute();
}
