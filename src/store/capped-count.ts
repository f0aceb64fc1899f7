import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from './db.ts';

/*
 * Counts shown to clients (connections' totalCount, a paused webhook's held count) grow with a
 * tenant's data: a count(*) over 450,000 deliveries held the thread 650 ms. Each is counted over
 * at most COUNT_CAP + 1 matching rows instead, so one statement reads a bounded index range
 * however many rows match; past the cap the client is told "at least COUNT_CAP".
 */
export const COUNT_CAP = 10_000;

/**
 * The rows `query` selects, counted up to COUNT_CAP + 1: a result over COUNT_CAP means "at
 * least COUNT_CAP". `query` is a select with its from and where clauses and no selection yet.
 */
export async function cappedCount<TB extends keyof Database>(
  db: Executor,
  query: SelectQueryBuilder<Database, TB, object>,
): Promise<number> {
  const { count } = await db
    .selectFrom(
      query
        .select(sql<number>`1`.as('one'))
        .limit(COUNT_CAP + 1)
        .as('capped'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
