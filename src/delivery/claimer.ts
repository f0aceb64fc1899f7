import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db, DeliveryRow, EventRow } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { webhookRepository, type Webhook } from '../store/webhooks.ts';

/** A leased delivery with what sending it needs; `webhook` is undefined when it has been deleted. */
export type Claimed = { delivery: DeliveryRow; webhook: Webhook | undefined; event: EventRow };

export type ClaimerDeps = {
  db: Db;
  clock: Clock;
  config: Pick<Config['delivery'], 'concurrencyPerWebhook' | 'leaseMs'>;
};

/**
 * Claiming: leases due deliveries so no other claim takes them until the lease runs out (a
 * crashed worker's claims come back), and keeps every webhook under its own cap of deliveries
 * in flight, so one slow endpoint cannot take every slot. A claimed delivery holds its
 * webhook's slot until `release`.
 */
export function createClaimer({ db, clock, config }: ClaimerDeps) {
  const perWebhook = new Map<string, number>();
  const busy = (webhookId: string) => perWebhook.get(webhookId) ?? 0;

  return {
    /** Leases up to `room` due deliveries in one transaction, then loads their webhooks and events. */
    async claim(room: number): Promise<Claimed[]> {
      const now = clock.now();
      const saturated = [...perWebhook].filter(([, n]) => n >= config.concurrencyPerWebhook).map(([id]) => id);
      const picked = await db.transaction().execute(async (trx) => {
        const deliveries = deliveryRepository(trx);
        // Four times the room: deliveries of webhooks at their cap are skipped without another query.
        const due = await deliveries.findDue(now, room * 4, saturated);
        const taken = new Map<string, number>();
        const chosen: DeliveryRow[] = [];
        for (const delivery of due) {
          if (chosen.length >= room) break;
          const inFlight = busy(delivery.webhook_id) + (taken.get(delivery.webhook_id) ?? 0);
          if (inFlight >= config.concurrencyPerWebhook) continue;
          taken.set(delivery.webhook_id, (taken.get(delivery.webhook_id) ?? 0) + 1);
          chosen.push(delivery);
        }
        await deliveries.lease(
          chosen.map((delivery) => delivery.id),
          now + config.leaseMs,
        );
        return chosen;
      });
      if (picked.length === 0) return [];
      for (const delivery of picked) perWebhook.set(delivery.webhook_id, busy(delivery.webhook_id) + 1);
      const webhooks = new Map(
        (await webhookRepository(db).findByIdsAnyTenant([...new Set(picked.map((d) => d.webhook_id))])).map((w) => [w.id, w]),
      );
      const events = new Map<string, EventRow>();
      for (const [tenantId, ids] of groupBy(picked, (d) => d.tenant_id, (d) => d.event_id)) {
        for (const event of await eventRepository(db).findByIds(tenantId, ids)) events.set(event.id, event);
      }
      return picked.map((delivery) => ({ delivery, webhook: webhooks.get(delivery.webhook_id), event: events.get(delivery.event_id)! }));
    },

    /** The claimed delivery is done with (recorded, or given up): its webhook's slot is free. */
    release(claimed: Claimed): void {
      const left = busy(claimed.delivery.webhook_id) - 1;
      if (left <= 0) perWebhook.delete(claimed.delivery.webhook_id);
      else perWebhook.set(claimed.delivery.webhook_id, left);
    },

    /** Whether anything is due and not leased. */
    async anyDue(): Promise<boolean> {
      return (await deliveryRepository(db).findDue(clock.now(), 1, [])).length > 0;
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}
