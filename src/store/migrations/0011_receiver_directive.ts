// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';

/** What the endpoint asked for with its webhook-delivery response header, if anything (domain/receiver-directive.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('delivery_attempts').addColumn('receiver_directive', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('delivery_attempts').dropColumn('receiver_directive').execute();
}
