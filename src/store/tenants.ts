import type { Executor, TenantRow } from './db.ts';
import { newId } from '../domain/ids.ts';

export function tenantRepository(db: Executor) {
  return {
    async count(): Promise<number> {
      const { count } = await db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return count;
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

export type TenantRepository = ReturnType<typeof tenantRepository>;
