// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';

/**
 * Ordering keys: an event's key, copied to its deliveries with their place in the key's line
 * for that webhook (store/ordering.ts). A delivery behind an open one of its key is WAITING.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').addColumn('ordering_key', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('ordering_key', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('ordering_seq', 'integer').execute();
  // A key's line to a webhook: its open deliveries by status and place. Every keyed publish and
  // every end of a keyed delivery seeks here; `ordering_key = ?` implies the index's predicate.
  await db.schema
    .createIndex('deliveries_ordering')
    .on('deliveries')
    .columns(['webhook_id', 'ordering_key', 'status', 'ordering_seq'])
    .where(sql.ref('ordering_key'), 'is not', null)
    .execute();
  // The periodic sweep for lines left without a scheduled first (store/ordering.ts) reads only these.
  await db.schema
    .createIndex('deliveries_waiting')
    .on('deliveries')
    .columns(['webhook_id', 'ordering_key'])
    .where(sql.ref('status'), '=', sql.lit('WAITING'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_waiting').execute();
  await db.schema.dropIndex('deliveries_ordering').execute();
  await db.schema.alterTable('deliveries').dropColumn('ordering_seq').execute();
  await db.schema.alterTable('deliveries').dropColumn('ordering_key').execute();
  await db.schema.alterTable('events').dropColumn('ordering_key').execute();
}
