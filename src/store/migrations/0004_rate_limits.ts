// Migrations take Kysely<any>: they must keep working when the app's types move on.
import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

/** Token buckets per API key that every instance on the database shares (used on Postgres). */
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('rate_limits')
    .addColumn('key_id', t.id, (c) => c.primaryKey())
    .addColumn('tokens', sql`double precision`, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    // Whether the last take got a token: 0/1, as flags are on both engines.
    .addColumn('taken', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
