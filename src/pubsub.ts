import { createPubSub } from 'graphql-yoga';
import type { AttemptRow, DeliveryRow } from './store/db.ts';

/*
 * In-process pub/sub for live updates. Every topic is keyed by tenant id, so a subscriber can
 * only ever be handed its own tenant's rows. Publishers call it after their transaction commits.
 */
export function createDeliveryPubSub() {
  return createPubSub<{
    attempt: [tenantId: string, attempt: AttemptRow];
    delivery: [tenantId: string, delivery: DeliveryRow];
  }>();
}

export type DeliveryPubSub = ReturnType<typeof createDeliveryPubSub>;

export function publishDeliveries(pubsub: DeliveryPubSub, deliveries: readonly DeliveryRow[]): void {
  for (const delivery of deliveries) pubsub.publish('delivery', delivery.tenant_id, delivery);
}
