import { sql } from 'kysely';
import type { AttemptRow, Executor, NewAttemptRow } from './db.ts';
import { storableText } from './dialect.ts';

export type WebhookAttemptStats = {
  attempts: number;
  succeeded: number;
  failed: number;
  lastAttemptAt: number | null;
  p50DurationMs: number | null;
  p99DurationMs: number | null;
};

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const STATS_WINDOW = 1000;

export function attemptRepository(db: Executor) {
  return {
    async insert(row: NewAttemptRow): Promise<AttemptRow> {
      // A receiver may answer anything; Postgres text cannot hold NUL, so neither engine keeps it.
      const values = { ...row, response_body: storableText(row.response_body ?? null), error: storableText(row.error ?? null) };
      return db.insertInto('delivery_attempts').values(values).returningAll().executeTakeFirstOrThrow();
    },

    async listByDeliveries(tenantId: string, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
      if (deliveryIds.length === 0) return [];
      return db
        .selectFrom('delivery_attempts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('delivery_id')
        .orderBy('attempt_number')
        .execute();
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<AttemptRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('delivery_attempts').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    },

    async statsForWebhook(tenantId: string, webhookId: string): Promise<WebhookAttemptStats> {
      const scope = db.selectFrom('delivery_attempts').where('tenant_id', '=', tenantId).where('webhook_id', '=', webhookId);
      const totals = await scope
        .select((eb) => [
          eb.fn.countAll<number>().as('attempts'),
          // A comparison is 0/1 on SQLite but boolean on Postgres, where sum() refuses it: count with case.
          sql<number>`coalesce(sum(case when outcome = 'SUCCEEDED' then 1 else 0 end), 0)`.as('succeeded'),
          eb.fn.max('started_at').as('lastAttemptAt'),
        ])
        .executeTakeFirstOrThrow();
      const recent = await scope.select('duration_ms').orderBy('id', 'desc').limit(STATS_WINDOW).execute();
      const durations = recent.map((row) => row.duration_ms).sort((a, b) => a - b);
      return {
        attempts: totals.attempts,
        succeeded: totals.succeeded,
        failed: totals.attempts - totals.succeeded,
        lastAttemptAt: totals.lastAttemptAt ?? null,
        p50DurationMs: percentile(durations, 50),
        p99DurationMs: percentile(durations, 99),
      };
    },

    async deleteFinishedBefore(cutoff: number): Promise<number> {
      const result = await db.deleteFrom('delivery_attempts').where('finished_at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type AttemptRepository = ReturnType<typeof attemptRepository>;
