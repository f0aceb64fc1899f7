import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../store/db.ts';
import { orderingReads, orderingRepository } from '../store/ordering.ts';
import type { AfterCommit } from './after-commit.ts';

// A stranded line is a rare race's leftover: seconds of delay are fine, and the find is one
// lookup in the index of WAITING deliveries.
const SWEEP_EVERY_MS = 5_000;

type LineSweepDeps = { db: Db; clock: Clock; logger: Logger; announcer: AfterCommit };

/**
 * Ordering lines whose scheduled first ended without the next being moved on (a publish that
 * raced its webhook being disabled, a hold cap that failed the middle of a line): their first
 * WAITING delivery gets its attempt. Any instance may sweep; the line's lock makes a second
 * sweep of the same line find it moving already.
 */
export function createLineSweep({ db, clock, logger, announcer }: LineSweepDeps) {
  let lastSweep = 0;

  return {
    async sweepIfDue(): Promise<void> {
      const now = clock.now();
      if (now - lastSweep < SWEEP_EVERY_MS) return;
      lastSweep = now;
      for (const line of await orderingReads(db).strandedLines()) {
        const moved = await db.transaction().execute((trx) => orderingRepository(trx).advance(line, now));
        if (!moved) continue;
        logger.info({ webhookId: line.webhookId, deliveryId: moved.id }, 'moved on an ordering line left without a scheduled delivery');
        announcer.committed({ deliveries: [moved] });
      }
    },
  };
}
