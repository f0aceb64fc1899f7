// Migrations take Kysely<any>: they must keep working when the app's types move on.
import type { Kysely } from 'kysely';

/**
 * deliveries.attempt_requests: how many attempts people have asked for (redeliver, a recovery).
 * The recorder compares it with its claim's to tell a request made while the attempt was in
 * flight, which it keeps, from the one the attempt answered, which it clears.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('deliveries')
    .addColumn('attempt_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('attempt_requests').execute();
}
