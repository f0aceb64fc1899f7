import type { Clock } from '../clock.ts';
import { rememberCommittedDeliveries } from '../live/committed-delivery.ts';
import type { DeliveryPubSub } from '../live/pubsub.ts';
import type { AfterCommit, Committed } from '../delivery/after-commit.ts';
import type { Relay } from '../live/cluster.ts';
import type { AttemptRow, EventRow } from '../store/db.ts';
import { isReservedTopic } from '../domain/operational-events.ts';

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
    committed({ attempts = [], deliveries = [], events = [], released = false }: Committed): void {
      rememberCommittedDeliveries(attempts, deliveries);
      for (const attempt of attempts) {
        pubsub.publish('attempt', attempt.tenant_id, attempt);
        try {
          recorded?.(attempt);
        } catch {
          // A metric lost; the attempt is announced all the same.
        }
      }
      for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
      const streamed = streamedEvents(events);
      for (const event of streamed) pubsub.publish('event', event.tenant_id, event);
      const relayed = relayedOf({ attempts, deliveries, events, released }, clock.now());
      if (relayed?.dueNow) wake();
      if (relay && relayed) relay(relayed);
    },
  };
}

/** Only the gateway's own events are streamed: a tenant's publishes are its own news, and would cost every publish a relayed id. */
function streamedEvents(events: readonly EventRow[]): EventRow[] {
  return events.filter((event) => isReservedTopic(event.topic));
}

/**
 * What a commit tells the other instances (and whether it made something due now, so the
 * workers should look at once); null when it wrote nothing anyone listens for. The delivery
 * threads relay their own commits with it (engine-thread.ts).
 */
export function relayedOf(
  { attempts = [], deliveries = [], events = [], released = false }: Committed,
  now: number,
): Parameters<Relay>[0] | null {
  const due = released || deliveries.some((delivery) => delivery.next_attempt_at !== null && delivery.next_attempt_at <= now);
  const streamed = streamedEvents(events);
  if (attempts.length === 0 && deliveries.length === 0 && streamed.length === 0 && !released) return null;
  return { attempts, deliveries, events: streamed, dueNow: due };
}
