import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { leaseRepository } from '../store/leases.ts';
import { webhookRepository } from '../store/webhooks.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { AfterCommit } from './after-commit.ts';

// Often enough that a cap holds within seconds; one indexed lookup when nothing is paused.
const CHECK_EVERY_MS = 5_000;

type HoldCapDeps = {
  db: Db;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  announcer: AfterCommit;
  config: Pick<Config['delivery'], 'pauseMaxHeld' | 'pauseMaxHeldMs'>;
};

/**
 * A paused webhook holds its deliveries, but not without bound: past `pauseMaxHeldMs` of age or
 * `pauseMaxHeld` in number, the oldest fail, with a reason that says which cap. One instance
 * checks at a time.
 */
export function createHoldCaps({ db, secrets, clock, logger, announcer, config }: HoldCapDeps) {
  let lastCheck = 0;
  const hours = Number((config.pauseMaxHeldMs / 3_600_000).toFixed(4));
  const reason = (cause: 'age' | 'count') =>
    cause === 'age'
      ? `Held longer than ${hours} h while the webhook was paused (PAUSE_MAX_HELD_HOURS)`
      : `More than ${config.pauseMaxHeld.toLocaleString('en')} deliveries held while the webhook was paused (PAUSE_MAX_HELD)`;

  return {
    async enforceIfDue(): Promise<void> {
      const now = clock.now();
      if (now - lastCheck < CHECK_EVERY_MS) return;
      lastCheck = now;
      const paused = await webhookRepository(db, secrets).pausedIds();
      if (paused.length === 0) return;
      if (!(await leaseRepository(db).takeTurn('hold-caps', now, CHECK_EVERY_MS))) return;
      for (const webhookId of paused) {
        const failed = await deliveryRepository(db).failHeld(
          webhookId,
          { before: now - config.pauseMaxHeldMs, keep: config.pauseMaxHeld, reason },
          now,
        );
        if (failed.length === 0) continue;
        logger.warn({ webhookId, failed: failed.length }, 'failed held deliveries of a paused webhook past its caps');
        announcer.committed({ deliveries: failed });
      }
    },
  };
}
