import { createPubSub } from 'graphql-yoga';
import type { AttemptRow, DeliveryRow, EventRow } from '../store/db.ts';

/*
 * In-process pub/sub for live updates. Every topic is keyed by tenant id, so a listener can only
 * ever be handed its own tenant's rows. Publishers call it after their transaction commits.
 * Built on yoga's createPubSub over an EventTarget, which a Redis event target can replace.
 */

/** Each topic's arguments: the tenant it belongs to, and the row. */
export type LiveTopics = {
  attempt: [tenantId: string, attempt: AttemptRow];
  delivery: [tenantId: string, delivery: DeliveryRow];
  /** The gateway's own events (gateway.*) as they are committed; tenants' publishes are not streamed. */
  event: [tenantId: string, event: EventRow];
};

export function createDeliveryPubSub(target: EventTarget = new EventTarget()) {
  const pubsub = createPubSub<LiveTopics>({ eventTarget: target });
  return {
    publish: pubsub.publish,
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

export type DeliveryPubSub = ReturnType<typeof createDeliveryPubSub>;
