import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import type { QueueState } from './index.ts';

/** The delivery queue over all tenants, in one statement (the due conditions are the worker's claim's). */
export async function readQueueState(db: Db, now: number): Promise<QueueState> {
  const row = await db
    .selectFrom('deliveries')
    .select([
      sql<number>`coalesce(sum(next_attempt_at is not null and next_attempt_at <= ${now} and (locked_until is null or locked_until <= ${now})), 0)`.as('due'),
      sql<number | null>`min(case when next_attempt_at <= ${now} and (locked_until is null or locked_until <= ${now}) then next_attempt_at end)`.as('oldest'),
      sql<number>`coalesce(sum(locked_until > ${now}), 0)`.as('leased'),
      sql<number>`coalesce(sum(status = 'FAILED'), 0)`.as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return {
    dueNow: row.due,
    oldestDueAgeSeconds: row.oldest === null ? 0 : Math.max(0, now - row.oldest) / 1000,
    leased: row.leased,
    failed: row.failed,
  };
}
