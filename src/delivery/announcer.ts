import type { Clock } from '../clock.ts';
import type { DeliveryPubSub } from '../pubsub.ts';
import type { AttemptRow, DeliveryRow } from '../store/db.ts';

export type Committed = { attempts?: readonly AttemptRow[]; deliveries?: readonly DeliveryRow[] };

/**
 * The after-commit notifier, used by every write path (services and the worker's recorder):
 * subscribers hear of the attempts and deliveries a transaction wrote, and when one of those
 * deliveries is due now the worker is woken instead of finding it at its next poll.
 * Called only after the commit, so nobody hears of a row a rollback took back.
 */
export function createAnnouncer({ pubsub, clock, wake }: { pubsub: DeliveryPubSub; clock: Clock; wake: () => void }) {
  return {
    committed({ attempts = [], deliveries = [] }: Committed): void {
      for (const attempt of attempts) pubsub.publish('attempt', attempt.tenant_id, attempt);
      for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
      const now = clock.now();
      if (deliveries.some((delivery) => delivery.next_attempt_at !== null && delivery.next_attempt_at <= now)) wake();
    },
  };
}

export type Announcer = ReturnType<typeof createAnnouncer>;
