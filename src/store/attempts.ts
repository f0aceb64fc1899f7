import { sql } from 'kysely';
import { encodeTime } from 'ulid';
import { idPrefixes } from '../domain/ids.ts';
import type { AttemptRow, Executor, NewAttemptRow } from './db.ts';
import { storableText } from './dialect.ts';
import { prepared, returnedRow } from './prepared.ts';

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

/** One minute of a webhook's attempts, by outcome, with their durations. */
export type ActivityMinute = {
  /** Start of the minute, epoch ms. */
  minute: number;
  outcomes: Record<string, number>;
  attempts: number;
  avgDurationMs: number;
  maxDurationMs: number;
};

export type WebhookActivity = {
  since: number;
  attempts: number;
  succeeded: number;
  p50DurationMs: number | null;
  p99DurationMs: number | null;
  /** Only minutes that had attempts, oldest first. */
  minutes: ActivityMinute[];
};

/** Attempts a window's percentiles are taken over at most, newest first: bounds the sort. */
export const ACTIVITY_DURATION_SAMPLE = 5000;

// Every attempt writes one.
const insertAttempt = prepared((db, row: NewAttemptRow) => db.insertInto('delivery_attempts').values(row).returningAll());

export function attemptRepository(db: Executor) {
  return {
    async insert(row: NewAttemptRow): Promise<AttemptRow> {
      // A receiver may answer anything; Postgres text cannot hold NUL, so neither engine keeps it.
      return returnedRow(
        await insertAttempt(db, { ...row, response_body: storableText(row.response_body ?? null), error: storableText(row.error ?? null) }),
      );
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

    /** The webhook's attempts started at or after `since`: per minute, and percentiles for the window. */
    async activityForWebhook(tenantId: string, webhookId: string, since: number): Promise<WebhookActivity> {
      const scope = db
        .selectFrom('delivery_attempts')
        .where('tenant_id', '=', tenantId)
        .where('webhook_id', '=', webhookId)
        // Attempt ids are ULIDs of the time they finished (never before they started), so this
        // bound lets the (webhook_id, id) index skip the webhook's older history.
        .where('id', '>=', `${idPrefixes.attempt}_${encodeTime(since, 10)}`)
        .where('started_at', '>=', since);
      const rows = await scope
        .select((eb) => [
          sql<number>`(started_at / 60000) * 60000`.as('minute'),
          'outcome',
          eb.fn.countAll<number>().as('count'),
          eb.fn.sum<number>('duration_ms').as('total'),
          eb.fn.max('duration_ms').as('max'),
        ])
        .groupBy(['minute', 'outcome'])
        .orderBy('minute')
        .execute();
      const byMinute = new Map<number, ActivityMinute & { total: number }>();
      for (const row of rows) {
        const entry = byMinute.get(row.minute) ?? {
          minute: row.minute,
          outcomes: {},
          attempts: 0,
          avgDurationMs: 0,
          maxDurationMs: 0,
          total: 0,
        };
        entry.outcomes[row.outcome] = row.count;
        entry.attempts += row.count;
        entry.total += Number(row.total);
        entry.maxDurationMs = Math.max(entry.maxDurationMs, row.max);
        byMinute.set(row.minute, entry);
      }
      const minutes = [...byMinute.values()].map(({ total, ...minute }) => ({ ...minute, avgDurationMs: total / minute.attempts }));
      const recent = await scope.select('duration_ms').orderBy('id', 'desc').limit(ACTIVITY_DURATION_SAMPLE).execute();
      const durations = recent.map((row) => row.duration_ms).sort((a, b) => a - b);
      return {
        since,
        attempts: minutes.reduce((sum, m) => sum + m.attempts, 0),
        succeeded: minutes.reduce((sum, m) => sum + (m.outcomes.SUCCEEDED ?? 0), 0),
        p50DurationMs: percentile(durations, 50),
        p99DurationMs: percentile(durations, 99),
        minutes,
      };
    },

    async deleteFinishedBefore(cutoff: number): Promise<number> {
      const result = await db.deleteFrom('delivery_attempts').where('finished_at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
