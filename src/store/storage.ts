import { StorageQuotaExceededError } from '../domain/errors.ts';
import type { Executor } from './db.ts';

/** Bytes freed by a delete, per row: whose, and how many (domain/storage.ts). */
export type Freed = { tenant_id: string; bytes: number };

/*
 * tenants.stored_bytes (migration 0017): counted up in the transaction that writes an event and
 * down in the one that deletes it, so it is exact without ever summing the events again.
 */
export function storageRepository(db: Executor) {
  return {
    /**
     * Counts `bytes` more for the tenant unless that takes it past `cap` (null: no cap), in one
     * statement: the check and the increment cannot be split by another publish (on Postgres the
     * row lock it takes holds until the caller's commit; on SQLite the write lock does). Throws
     * StorageQuotaExceededError, changing nothing, when it would; the caller's transaction then
     * rolls back what it wrote before. Callers make it their last statement, so that row lock
     * is held for as short a time as can be.
     */
    async charge(tenantId: string, bytes: number, cap: number | null): Promise<void> {
      const result = await db
        .updateTable('tenants')
        .set((eb) => ({ stored_bytes: eb('stored_bytes', '+', bytes) }))
        .where('id', '=', tenantId)
        .$if(cap !== null, (query) => query.where((eb) => eb(eb('stored_bytes', '+', bytes), '<=', cap!)))
        .executeTakeFirst();
      if (cap !== null && result.numUpdatedRows === 0n) throw new StorageQuotaExceededError(cap, await this.used(tenantId));
    },

    /** Counts freed bytes down, one statement per tenant, in tenant order (two pruners lock rows in the same order). */
    async release(freed: readonly Freed[]): Promise<void> {
      const perTenant = new Map<string, number>();
      for (const row of freed) perTenant.set(row.tenant_id, (perTenant.get(row.tenant_id) ?? 0) + Number(row.bytes));
      for (const [tenantId, bytes] of [...perTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
        await db
          .updateTable('tenants')
          .set((eb) => ({ stored_bytes: eb('stored_bytes', '-', bytes) }))
          .where('id', '=', tenantId)
          .execute();
      }
    },

    /** The bytes the tenant's events take now. */
    async used(tenantId: string): Promise<number> {
      const row = await db.selectFrom('tenants').select('stored_bytes').where('id', '=', tenantId).executeTakeFirst();
      return Number(row?.stored_bytes ?? 0);
    },
  };
}
