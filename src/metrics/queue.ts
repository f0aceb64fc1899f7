import type { Db } from '../store/db.ts';
import { dueRulesAt, isDue } from '../store/due.ts';
import type { QueueState } from './index.ts';

/*
 * The delivery queue over all tenants, as three small statements that each walk one index
 * (deliveries_due, deliveries_leased, deliveries_failed), never the table: a scrape costs what
 * is due, leased or failed, not what was ever delivered. Plain counts and `min`, so both
 * engines run them (Postgres has no `sum` of booleans). Due is the claim's rule (store/due.ts).
 */
export async function readQueueState(db: Db, now: number, deadAfterMs: number): Promise<QueueState> {
  const due = db.selectFrom('deliveries').where(isDue(db, await dueRulesAt(db, now, deadAfterMs)));
  const [dueRow, leasedRow, failedRow] = await Promise.all([
    due.select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('next_attempt_at').as('oldest')]).executeTakeFirstOrThrow(),
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('locked_until', 'is not', null)
      .where('locked_until', '>', now)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'FAILED')
      .executeTakeFirstOrThrow(),
  ]);
  const oldest = dueRow.oldest;
  return {
    dueNow: Number(dueRow.n),
    oldestDueAgeSeconds: oldest === null ? 0 : Math.max(0, now - oldest) / 1000,
    leased: Number(leasedRow.n),
    failed: Number(failedRow.n),
  };
}
