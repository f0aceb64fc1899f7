import type { Executor, TenantRow } from './db.ts';
import { newId } from '../ids.ts';

export function tenantRepository(db: Executor) {
  return {
    async count(): Promise<number> {
      const { count } = await db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return count;
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
