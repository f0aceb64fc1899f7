import type { Clock } from '../clock.ts';
import type { DeliveryPubSub } from '../live/pubsub.ts';
import type { AfterCommit, Committed } from '../delivery/after-commit.ts';
import type { Relay } from '../live/cluster.ts';
import type { AttemptRow } from '../store/db.ts';

/**
 * The after-commit notifier, used by every write path (services and the worker's recorder):
 * subscribers hear of the attempts and deliveries a transaction wrote, and when one of those
 * deliveries is due now the worker is woken instead of finding it at its next poll. With a
 * relay, subscribers and workers on other instances hear of it too.
 * Called only after the commit, so nobody hears of a row a rollback took back.
 */
export function createAnnouncer({
  pubsub,
  clock,
  wake,
  relay,
  recorded,
}: {
  pubsub: DeliveryPubSub;
  clock: Clock;
  wake: () => void;
  relay?: Relay;
  /** Sees each attempt this instance recorded (metrics); a failure there never stops an announcement. */
  recorded?: (attempt: AttemptRow) => void;
}): AfterCommit {
  return {
    committed({ attempts = [], deliveries = [], released = false }: Committed): void {
      for (const attempt of attempts) {
        pubsub.publish('attempt', attempt.tenant_id, attempt);
        try {
          recorded?.(attempt);
        } catch {
          // A metric lost; the attempt is announced all the same.
        }
      }
      for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
      const due = dueNow({ deliveries, released }, clock.now());
      if (due) wake();
      if (relay && (attempts.length > 0 || deliveries.length > 0 || released)) relay({ attempts, deliveries, dueNow: due });
    },
  };
}

/** Whether a commit made something due now, so the workers should look at once. */
export function dueNow({ deliveries = [], released = false }: Committed, now: number): boolean {
  return released || deliveries.some((delivery) => delivery.next_attempt_at !== null && delivery.next_attempt_at <= now);
}
