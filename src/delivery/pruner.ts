import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { firstIdAt } from '../domain/ids.ts';
import { attemptRepository } from '../store/attempts.ts';
import { auditLogRepository } from '../store/audit-log.ts';
import type { Db } from '../store/db.ts';
import { eventRepository } from '../store/events.ts';
import { leaseRepository } from '../store/leases.ts';

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 1_000;
// Instances silent this long are dropped from the table; their leases were free long before.
const FORGET_INSTANCES_AFTER_MS = 24 * 60 * 60 * 1000;

type PrunerDeps = {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Pick<Config['delivery'], 'attemptRetentionMs' | 'eventRetentionMs' | 'auditRetentionMs'>;
};

/**
 * Pruning: attempts past their retention, events past theirs with their deliveries and
 * attempts, once none of those deliveries has an attempt still to come, and audit log entries
 * past theirs. At most once an hour,
 * on one instance of those sharing the database.
 */
export function createPruner({ db, clock, logger, config }: PrunerDeps) {
  let lastPrune = 0;

  return {
    async pruneIfDue(): Promise<void> {
      const now = clock.now();
      if (now - lastPrune < PRUNE_EVERY_MS) return;
      lastPrune = now;
      // One instance prunes per period; the others would only race it for the same rows.
      const leases = leaseRepository(db);
      if (!(await leases.takeTurn('prune', now, PRUNE_EVERY_MS))) return;
      await leases.forgetSilent(FORGET_INSTANCES_AFTER_MS);
      const pruned = await attemptRepository(db).deleteFinishedBefore(now - config.attemptRetentionMs);
      if (pruned > 0) logger.info({ pruned }, 'pruned old delivery attempts');
      // In chunks, each its own statement, so publishing and recording go on in between.
      const cutoff = firstIdAt('event', now - config.eventRetentionMs);
      let events = 0;
      let chunk: number;
      do {
        chunk = await eventRepository(db).deleteSettledBefore(cutoff, PRUNE_CHUNK);
        events += chunk;
      } while (chunk === PRUNE_CHUNK);
      if (events > 0) logger.info({ events }, 'pruned old events with their deliveries');
      const auditCutoff = firstIdAt('audit', now - config.auditRetentionMs);
      let entries = 0;
      do {
        chunk = await auditLogRepository(db).deleteBefore(auditCutoff, PRUNE_CHUNK);
        entries += chunk;
      } while (chunk === PRUNE_CHUNK);
      if (entries > 0) logger.info({ entries }, 'pruned old audit log entries');
    },
  };
}
