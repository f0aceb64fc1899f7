import type { Executor, TenantRow } from './db.ts';
import { newId } from '../ids.ts';

export function tenantRepository(db: Executor) {
  return {
    async findByName(name: string): Promise<TenantRow | undefined> {
      return db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
    },

    async findById(id: string): Promise<TenantRow | undefined> {
      return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async count(): Promise<number> {
      const { count } = await db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return count;
    },

    async create(name: string, now = Date.now()): Promise<TenantRow> {
      return db
        .insertInto('tenants')
        .values({ id: newId('tenant', now), name, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type TenantRepository = ReturnType<typeof tenantRepository>;
