import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db, DeliveryRow, EventRow } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { dueRulesAt } from '../store/due.ts';
import { eventRepository } from '../store/events.ts';
import { leaseRepository } from '../store/leases.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';
import type { Webhook } from '../domain/webhook.ts';

/** A leased delivery with what sending it needs; `webhook` is undefined when it has been deleted. */
export type Claimed = { delivery: DeliveryRow; webhook: Webhook | undefined; event: EventRow };

type ClaimerDeps = {
  db: Db;
  webhookCache: WebhookCache;
  clock: Clock;
  logger: Logger;
  config: Pick<Config['delivery'], 'concurrencyPerWebhook' | 'leaseMs' | 'instanceId' | 'deadAfterMs' | 'heartbeatMs'>;
};

/**
 * Claiming: leases due deliveries to this process so no other claim, here or on another
 * instance, takes them until the lease runs out or this process stops beating (a crashed
 * instance's claims come back). Every webhook stays under its cap of leases over all
 * instances, so one slow endpoint cannot take every slot; the cap is counted in the claim's
 * SQL (store/leases.ts), and a lease ends when the recorder moves its delivery on.
 */
export function createClaimer({ db, webhookCache, clock, logger, config }: ClaimerDeps) {
  const leases = leaseRepository(db);
  // One life of this instance: a restart under the same INSTANCE_ID is a new holder.
  const owner = `${config.instanceId}#${randomBytes(4).toString('hex')}`;
  const startedAt = clock.now();
  let registered: Promise<void> | null = null;
  let beating: NodeJS.Timeout | undefined;
  let retired = false;
  // Leased by a claim whose reads then failed (the database went away between statements): ours
  // until their leases run out, so the next claim sends them instead of leaving them to wait it out.
  let unread: DeliveryRow[] = [];

  async function beat() {
    try {
      await leases.heartbeat(owner, config.instanceId, startedAt);
    } catch (error) {
      // Missed beats only matter after deadAfterMs; the next one may get through.
      logger.warn({ err: error }, "could not record this instance's heartbeat");
    }
  }

  /** Before the first claim: this life beats, and earlier lives of this instance let go of their leases. */
  function register(): Promise<void> {
    registered ??= (async () => {
      await leases.heartbeat(owner, config.instanceId, startedAt);
      const earlier = await leases.retire({ instanceId: config.instanceId, exceptOwner: owner });
      if (earlier > 0) logger.info({ instanceId: config.instanceId }, "took over the leases of this instance's previous run");
      beating = setInterval(() => void beat(), config.heartbeatMs);
      beating.unref();
    })().catch((error: unknown) => {
      registered = null;
      throw error;
    });
    return registered;
  }

  /** The webhooks and events of leased deliveries. */
  async function read(picked: DeliveryRow[]): Promise<Claimed[]> {
    if (picked.length === 0) return [];
    const webhooks = await webhookCache.byIds(db, picked);
    const events = new Map<string, EventRow>();
    for (const [tenantId, ids] of groupBy(
      picked,
      (d) => d.tenant_id,
      (d) => d.event_id,
    )) {
      for (const event of await eventRepository(db).findByIds(tenantId, ids)) events.set(event.id, event);
    }
    return picked.map((delivery) => ({ delivery, webhook: webhooks.get(delivery.webhook_id), event: events.get(delivery.event_id)! }));
  }

  return {
    owner,

    /** Leases up to `room` due deliveries in one statement, then loads their webhooks and events. */
    async claim(room: number): Promise<Claimed[]> {
      if (retired) return [];
      await register();
      const now = clock.now();
      // A lease that ran out meanwhile is any claim's to take again.
      const held = unread.filter((delivery) => (delivery.locked_until ?? 0) > now);
      let picked = held.slice(0, room);
      unread = held.slice(room);
      try {
        if (picked.length < room) {
          picked = [
            ...picked,
            ...(await leases.claim({
              now,
              limit: room - picked.length,
              perWebhookCap: config.concurrencyPerWebhook,
              leaseMs: config.leaseMs,
              owner,
              deadAfterMs: config.deadAfterMs,
            })),
          ];
        }
        return await read(picked);
      } catch (error) {
        unread.push(...picked);
        throw error;
      }
    },

    /** When a rate-capped webhook left waiting by the last claim gets room again, if one was. */
    nextRoomAt(): number | null {
      return leases.nextRoomAt();
    },

    /**
     * No attempt could be made (LocalResourceError): the delivery is due again at `at`, as it
     * was, its trigger kept, and its lease ends. Only while the claim still holds it.
     */
    async putBack(claimed: Claimed, at: number): Promise<void> {
      await deliveryRepository(db).putBack(claimed.delivery, at);
    },

    /** Whether anything is due (store/due.ts): what a claim with room would take now. */
    async anyDue(): Promise<boolean> {
      const rules = await dueRulesAt(db, clock.now(), config.deadAfterMs);
      return (await deliveryRepository(db).findDue(rules, 1)).length > 0;
    },

    /**
     * This life is over (a clean stop, after in-flight attempts ended or were given up): stop
     * beating and let go, so other instances take what is left at once instead of after the lease.
     */
    async retire(): Promise<void> {
      retired = true;
      clearInterval(beating);
      if (registered) await leases.retire({ owner }).catch(() => 0);
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}
