import type { Clock } from '../clock.ts';
import type { Announcer } from '../delivery/announcer.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { TEST_TOPIC } from '../domain/event-types.ts';
import { newId } from '../ids.ts';
import type { Db, DeliveryRow } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { webhookRepository } from '../store/webhooks.ts';
import { pendingDelivery } from './events.ts';

export const REDELIVER_FAILED_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type DeliveryServiceDeps = { db: Db; clock: Clock; announcer: Announcer };

export function deliveryService({ db, clock, announcer }: DeliveryServiceDeps) {
  return {
    /** A MANUAL attempt as soon as a worker slot is free, whatever the delivery's status. */
    async redeliver(tenantId: string, deliveryId: string): Promise<DeliveryRow> {
      const now = clock.now();
      const delivery = await db.transaction().execute(async (trx) => {
        const deliveries = deliveryRepository(trx);
        const current = await deliveries.findById(tenantId, deliveryId);
        if (!current) throw new NotFoundError(deliveryId, 'Delivery');
        if (!(await webhookRepository(trx).findById(tenantId, current.webhook_id))) {
          throw ValidationError.at(['deliveryId'], 'its webhook has been deleted, so there is nowhere to send it');
        }
        return (await deliveries.requestAttempt(tenantId, deliveryId, 'MANUAL', now))!;
      });
      announcer.committed({ deliveries: [delivery] });
      return delivery;
    },

    async redeliverFailed(tenantId: string, webhookId: string, since: number): Promise<number> {
      const now = clock.now();
      if (since < now - REDELIVER_FAILED_MAX_AGE_MS) throw ValidationError.at(['since'], 'must be at most 7 days ago');
      if (since > now) throw ValidationError.at(['since'], 'must not be in the future');
      const deliveries = await db.transaction().execute(async (trx) => {
        if (!(await webhookRepository(trx).findById(tenantId, webhookId))) throw new NotFoundError(webhookId, 'Webhook');
        return deliveryRepository(trx).requestAttemptForFailed(tenantId, webhookId, since, now);
      });
      announcer.committed({ deliveries });
      return deliveries.length;
    },

    /** A webhook.test event to this webhook alone, enabled or not: checking an endpoint before enabling it is the point. */
    async sendTestEvent(tenantId: string, webhookId: string): Promise<DeliveryRow> {
      const now = clock.now();
      const delivery = await db.transaction().execute(async (trx) => {
        const webhook = await webhookRepository(trx).findById(tenantId, webhookId);
        if (!webhook) throw new NotFoundError(webhookId, 'Webhook');
        const eventId = newId('event', now);
        await eventRepository(trx).insert({
          id: eventId,
          tenantId,
          topic: TEST_TOPIC,
          payload: { webhookId, message: 'A test event from the webhook gateway.' },
          channelType: null,
          echo: false,
          idempotencyKey: null,
          deliveryCount: 1,
          createdAt: now,
        });
        const row = pendingDelivery({ tenantId, eventId, webhookId, now, trigger: 'TEST' });
        await deliveryRepository(trx).insertMany([row]);
        return row;
      });
      announcer.committed({ deliveries: [delivery] });
      return delivery;
    },
  };
}

export type DeliveryService = ReturnType<typeof deliveryService>;
