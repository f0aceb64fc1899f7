import { createPubSub } from 'graphql-yoga';
import type { AttemptRow, DeliveryRow } from './store/db.ts';

/*
 * In-process pub/sub for live updates. Every topic is keyed by tenant id, so a listener can only
 * ever be handed its own tenant's rows. Publishers call it after their transaction commits.
 * Built on yoga's createPubSub over an EventTarget, which a Redis event target can replace.
 */

type Topics = {
  attempt: [tenantId: string, attempt: AttemptRow];
  delivery: [tenantId: string, delivery: DeliveryRow];
};

/** Sees every row published, whatever the tenant: the one place metrics learn of recorded attempts. */
export type PubSubObserver = { attempt?: (attempt: AttemptRow) => void };

export function createDeliveryPubSub(target: EventTarget = new EventTarget(), observer: PubSubObserver = {}) {
  const pubsub = createPubSub<Topics>({ eventTarget: target });
  const publish: typeof pubsub.publish = (...args) => {
    pubsub.publish(...args);
    if (args[0] !== 'attempt' || !observer.attempt) return;
    // Counting must never stop an attempt from being announced, nor fail the code that recorded it.
    try {
      observer.attempt(args[2] as AttemptRow);
    } catch {
      /* a metric lost; the delivery is unaffected */
    }
  };
  return {
    publish,
    /**
     * Calls `listener` for every row of this tenant on this topic, synchronously, until the
     * returned function is called. Consumers buffer for themselves (see live/bounded-stream.ts).
     */
    listen<T extends keyof Topics>(topic: T, tenantId: string, listener: (row: Topics[T][1]) => void): () => void {
      // The same `${routingKey}:${id}` topic name createPubSub publishes under.
      const name = `${topic}:${tenantId}`;
      const handler = (event: Event) => listener((event as CustomEvent<Topics[T][1]>).detail);
      target.addEventListener(name, handler);
      return () => target.removeEventListener(name, handler);
    },
  };
}

export type DeliveryPubSub = ReturnType<typeof createDeliveryPubSub>;

export function publishDeliveries(pubsub: DeliveryPubSub, deliveries: readonly DeliveryRow[]): void {
  for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
}
