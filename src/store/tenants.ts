import type { Executor, TenantRow } from './db.ts';
import { newId } from '../domain/ids.ts';
import { prepared } from './prepared.ts';

// Every publish asks this (store/webhook-cache.ts).
const webhooksVersionOf = prepared((db, { id }: { id: string }) =>
  db.selectFrom('tenants').select('webhooks_version').where('id', '=', id),
);

export function tenantRepository(db: Executor) {
  return {
    async count(): Promise<number> {
      const { count } = await db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return count;
    },

    /** The tenant's webhooks version (migration 0015); undefined when it does not exist. */
    async webhooksVersion(id: string): Promise<string | undefined> {
      return (await webhooksVersionOf(db, { id })).rows[0]?.webhooks_version;
    },

    /** The webhooks versions (migration 0015) of these tenants; a tenant that does not exist is missing. */
    async webhooksVersions(ids: readonly string[]): Promise<Map<string, string>> {
      const rows = await db.selectFrom('tenants').select(['id', 'webhooks_version']).where('id', 'in', ids).execute();
      return new Map(rows.map((row) => [row.id, row.webhooks_version]));
    },

    /**
     * The tenant with this name, made if there is none. One insert that yields to an existing
     * name, not a read then a write: two callers at once (two `npm run keys` processes) would
     * both read "none" and the second insert would break the unique name.
     */
    async findOrCreate(name: string, now = Date.now()): Promise<TenantRow> {
      await db
        .insertInto('tenants')
        .values({ id: newId('tenant', now), name, created_at: now })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .execute();
      return db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    },
  };
}
