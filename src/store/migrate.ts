import { Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';
import type { Db } from './db.ts';

/** Brings the schema to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    // No migration failed when the database could not be reached (or locked) at all: say so.
    const what = failed ? `migration ${failed.migrationName} failed` : 'could not migrate the database (no migration ran)';
    throw new Error(what, { cause: error });
  }
}
