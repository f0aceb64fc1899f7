import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { firstIdAt } from '../domain/ids.ts';
import { attemptRepository } from '../store/attempts.ts';
import { auditLogRepository } from '../store/audit-log.ts';
import type { Db } from '../store/db.ts';
import { eventRepository } from '../store/events.ts';
import { leaseRepository } from '../store/leases.ts';
import { type Freed, storageRepository } from '../store/storage.ts';

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 1_000;
// Instances silent this long are dropped from the table; their leases were free long before.
const FORGET_INSTANCES_AFTER_MS = 24 * 60 * 60 * 1000;

type PrunerDeps = {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Pick<Config['delivery'], 'attemptRetentionMs' | 'eventRetentionMs' | 'unmatchedEventRetentionMs' | 'auditRetentionMs'>;
};

/**
 * Pruning: attempts past their retention, events past theirs with their deliveries and
 * attempts, once none of those deliveries has an attempt still to come, and audit log entries
 * past theirs. At most once an hour, on one instance of those sharing the database.
 *
 * Events that reached no webhook (issue 26: stored at up to 256 KiB each, they filled a disk in
 * minutes) go once older than UNMATCHED_EVENT_RETENTION_SECONDS, swept every half of that (at
 * most hourly, at least a second apart), so none outlives one and a half windows by much.
 */
export function createPruner({ db, clock, logger, config }: PrunerDeps) {
  let lastPrune = 0;
  let lastSweep = 0;
  const sweepEveryMs = Math.min(PRUNE_EVERY_MS, Math.max(1_000, Math.floor(config.unmatchedEventRetentionMs / 2)));

  /** Deletes in chunks, each its own transaction with the storage it frees, so publishing and recording go on in between. */
  async function deleteInChunks(remove: (events: ReturnType<typeof eventRepository>) => Promise<Freed[]>): Promise<number> {
    let deleted = 0;
    let chunk: number;
    do {
      chunk = await db.transaction().execute(async (trx) => {
        const freed = await remove(eventRepository(trx));
        await storageRepository(trx).release(freed);
        return freed.length;
      });
      deleted += chunk;
    } while (chunk === PRUNE_CHUNK);
    return deleted;
  }

  async function sweepUnmatchedIfDue(now: number): Promise<void> {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    if (!(await leaseRepository(db).takeTurn('prune-unmatched', now, sweepEveryMs))) return;
    const cutoff = firstIdAt('event', now - config.unmatchedEventRetentionMs);
    const events = await deleteInChunks((repo) => repo.deleteUnmatchedBefore(cutoff, PRUNE_CHUNK));
    if (events > 0) logger.info({ events }, 'pruned events that reached no webhook');
  }

  return {
    async pruneIfDue(): Promise<void> {
      const now = clock.now();
      await sweepUnmatchedIfDue(now);
      if (now - lastPrune < PRUNE_EVERY_MS) return;
      lastPrune = now;
      // One instance prunes per period; the others would only race it for the same rows.
      const leases = leaseRepository(db);
      if (!(await leases.takeTurn('prune', now, PRUNE_EVERY_MS))) return;
      await leases.forgetSilent(FORGET_INSTANCES_AFTER_MS);
      const pruned = await attemptRepository(db).deleteFinishedBefore(now - config.attemptRetentionMs);
      if (pruned > 0) logger.info({ pruned }, 'pruned old delivery attempts');
      const cutoff = firstIdAt('event', now - config.eventRetentionMs);
      const events = await deleteInChunks((repo) => repo.deleteSettledBefore(cutoff, PRUNE_CHUNK));
      if (events > 0) logger.info({ events }, 'pruned old events with their deliveries');
      const auditCutoff = firstIdAt('audit', now - config.auditRetentionMs);
      let entries = 0;
      let chunk: number;
      do {
        chunk = await auditLogRepository(db).deleteBefore(auditCutoff, PRUNE_CHUNK);
        entries += chunk;
      } while (chunk === PRUNE_CHUNK);
      if (entries > 0) logger.info({ entries }, 'pruned old audit log entries');
    },
  };
}
