import { createPubSub } from 'graphql-yoga';
import type { Committed } from '../delivery/after-commit.ts';
import { isReservedTopic } from '../domain/operational-events.ts';
import type { AttemptRow, DeliveryRow, EventRow } from '../store/db.ts';

/*
 * Committed rows to subscribers, in one place: whatever committed them (a service, the engine on
 * this thread, a delivery thread's message, another instance's signal) hands them to `committed`,
 * and the subscriptions `listen`. Every topic is keyed by tenant id, so a listener can only ever
 * be handed its own tenant's rows. Callers call it after their transaction commits, so nobody
 * hears of a row a rollback took back. Built on yoga's createPubSub over an EventTarget, which a
 * Redis event target can replace.
 */

/**
 * An attempt with the delivery its commit wrote (null when that commit wrote none): a subscriber
 * selecting `delivery { … }` (the monitor's feed does) is answered from it, as that attempt left
 * it, instead of a lookup per attempt, which at a thousand attempts a second queued behind
 * every request for the database.
 */
export type LiveAttempt = { attempt: AttemptRow; delivery: DeliveryRow | null };

/** Each topic's arguments: the tenant it belongs to, and the row. */
export type LiveTopics = {
  attempt: [tenantId: string, attempt: LiveAttempt];
  delivery: [tenantId: string, delivery: DeliveryRow];
  /** The gateway's own events (gateway.*) as they are committed; tenants' publishes are not streamed. */
  event: [tenantId: string, event: EventRow];
};

export function createLiveFeed(target: EventTarget = new EventTarget()) {
  const pubsub = createPubSub<LiveTopics>({ eventTarget: target });
  return {
    /** Publishes what one commit wrote, in the order it wrote it. */
    committed({ attempts = [], deliveries = [], events = [] }: Committed): void {
      if (attempts.length > 0) {
        const written = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
        for (const attempt of attempts) {
          pubsub.publish('attempt', attempt.tenant_id, { attempt, delivery: written.get(attempt.delivery_id) ?? null });
        }
      }
      for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
      for (const event of streamedEvents(events)) pubsub.publish('event', event.tenant_id, event);
    },
    /**
     * Calls `listener` for every row of this tenant on this topic, synchronously, until the
     * returned function is called. Consumers buffer for themselves (see live/bounded-stream.ts).
     */
    listen<T extends keyof LiveTopics>(topic: T, tenantId: string, listener: (row: LiveTopics[T][1]) => void): () => void {
      // The same `${routingKey}:${id}` topic name createPubSub publishes under.
      const name = `${topic}:${tenantId}`;
      const handler = (event: Event) => listener((event as CustomEvent<LiveTopics[T][1]>).detail);
      target.addEventListener(name, handler);
      return () => target.removeEventListener(name, handler);
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;

/** Only the gateway's own events are streamed: a tenant's publishes are its own news, and would cost every publish a relayed id. */
export function streamedEvents(events: readonly EventRow[]): EventRow[] {
  return events.filter((event) => isReservedTopic(event.topic));
}
