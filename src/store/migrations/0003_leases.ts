// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

/*
 * Leases name their holder, and holders prove they are alive: several instances share one
 * queue, and a survivor takes over a dead instance's leases once its heartbeat stops, instead
 * of waiting out the whole lease.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('deliveries').addColumn('locked_by', 'text').execute();
  // The per-webhook cap counts leased rows per webhook; only leased rows are in this index.
  await db.schema
    .createIndex('deliveries_leased')
    .on('deliveries')
    .columns(['webhook_id'])
    .where(sql.ref('locked_until'), 'is not', null)
    .execute();
  await db.schema
    .createTable('instances')
    // One process's life: the instance id plus a nonce drawn at start, so a restart is a new holder.
    .addColumn('owner', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    // The database's clock, never an instance's: liveness is judged by one clock.
    .addColumn('heartbeat_at', t.time, (c) => c.notNull())
    .execute();
  // Cluster-wide chores (pruning): when each last ran, so one instance does it per period.
  await db.schema
    .createTable('housekeeping')
    .addColumn('task', 'text', (c) => c.primaryKey())
    .addColumn('last_run_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('housekeeping').execute();
  await db.schema.dropTable('instances').execute();
  await db.schema.dropIndex('deliveries_leased').execute();
  await db.schema.alterTable('deliveries').dropColumn('locked_by').execute();
}
