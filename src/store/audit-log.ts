import { firstIdAt } from '../domain/ids.ts';
import { cappedCount } from './capped-count.ts';
import type { AuditLogRow, Executor } from './db.ts';
import { byId, keysetPage, type Page, type PageArgs } from './keyset.ts';
import { prepared } from './prepared.ts';

/** The auditLog query's filter; `since` and `until` are epoch ms, `until` exclusive. */
export type AuditLogFilter = {
  mutation?: string | null;
  keyId?: string | null;
  since?: number | null;
  until?: number | null;
};

export type NewAuditEntry = {
  id: string;
  tenantId: string;
  keyId: string;
  keyPrefix: string;
  mutation: string;
  targetId: string | null;
  fields: Record<string, unknown>;
  outcome: string;
  createdAt: number;
};

// Every mutation writes one, publishEvent included: built once.
const insertEntry = prepared((db, row: Omit<AuditLogRow, 'fields'> & { fields: string }) => db.insertInto('audit_log').values(row));

export function auditLogRepository(db: Executor) {
  // Ids are ULIDs minted at created_at: the time window is an id range, served by the primary key
  // and the (tenant_id, id) index, as the deliveries filter does.
  const matching = (tenantId: string, filter: AuditLogFilter) => {
    let query = db.selectFrom('audit_log').where('tenant_id', '=', tenantId);
    if (filter.mutation) query = query.where('mutation', '=', filter.mutation);
    if (filter.keyId) query = query.where('key_id', '=', filter.keyId);
    if (filter.since != null) query = query.where('id', '>=', firstIdAt('audit', filter.since));
    if (filter.until != null) query = query.where('id', '<', firstIdAt('audit', filter.until));
    return query;
  };

  return {
    async insert(entry: NewAuditEntry): Promise<void> {
      await insertEntry(db, {
        id: entry.id,
        tenant_id: entry.tenantId,
        key_id: entry.keyId,
        key_prefix: entry.keyPrefix,
        mutation: entry.mutation,
        target_id: entry.targetId,
        fields: JSON.stringify(entry.fields),
        outcome: entry.outcome,
        created_at: entry.createdAt,
      });
    },

    /** Newest first. */
    async page(tenantId: string, filter: AuditLogFilter, args: PageArgs): Promise<Page<AuditLogRow>> {
      return keysetPage(
        args,
        byId(() => matching(tenantId, filter).selectAll()),
      );
    },

    /** Capped: at most COUNT_CAP + 1 (capped-count.ts). */
    async count(tenantId: string, filter: AuditLogFilter): Promise<number> {
      return cappedCount(db, matching(tenantId, filter));
    },

    /** Deletes up to `limit` entries created before `cutoffId` (ULIDs sort by time), over every tenant. */
    async deleteBefore(cutoffId: string, limit: number): Promise<number> {
      const result = await db
        .deleteFrom('audit_log')
        .where('id', 'in', (eb) => eb.selectFrom('audit_log as a').select('a.id').where('a.id', '<', cutoffId).limit(limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type AuditLogRepository = ReturnType<typeof auditLogRepository>;
