import { parseJson, type Executor } from './db.ts';

/*
 * Endpoint rate caps (`Webhook.rateLimitPerSecond`), counted on a sliding log of each capped
 * webhook's claims. A fixed one-second window lets twice the cap through across its edge (a
 * batch claimed at x.998 lands in the next second with that second's own), so the claim looks at
 * the claims of the last RATE_WINDOW_MS instead: a second, plus a quarter second for the delay
 * between a claim and its request arriving (it varied by over 100 ms on a loaded two-core
 * machine), so a receiver counting by its clock's seconds does not see more than the cap. The
 * price: at most N requests per 1.25 s, 80% of the cap, when a backlog waits. Read and written inside the claim's transaction, under the
 * webhook's claim lock (leases.ts): one claimer of a webhook at a time, over every instance.
 */

export const RATE_WINDOW_MS = 1_250;

type RateRoom = {
  /** Claims each capped webhook may still make now. */
  room: Map<string, number>;
  /** The earliest time a webhook with no room gets some back, if any has none. */
  nextRoomAt: number | null;
};

export function endpointRates(trx: Executor) {
  return {
    /** Every capped webhook and its room now: one lookup through the partial index of capped webhooks. */
    async roomAt(now: number): Promise<RateRoom & { recent: Map<string, number[]> }> {
      const rows = await trx
        .selectFrom('webhooks')
        .leftJoin('endpoint_rates', 'endpoint_rates.webhook_id', 'webhooks.id')
        .select(['webhooks.id', 'webhooks.rate_limit_per_second', 'endpoint_rates.recent'])
        .where('webhooks.rate_limit_per_second', 'is not', null)
        .execute();
      const room = new Map<string, number>();
      const recentOf = new Map<string, number[]>();
      let nextRoomAt: number | null = null;
      for (const row of rows) {
        const cap = row.rate_limit_per_second ?? 0;
        const recent = row.recent === null ? [] : parseJson(row.recent).filter((at) => at > now - RATE_WINDOW_MS);
        recentOf.set(row.id, recent);
        room.set(row.id, Math.max(0, cap - recent.length));
        // When full, the claim that leaves the window first frees the next slot.
        if (recent.length >= cap && recent.length > 0)
          nextRoomAt = Math.min(nextRoomAt ?? Infinity, recent[recent.length - cap]! + RATE_WINDOW_MS);
      }
      return { room, nextRoomAt, recent: recentOf };
    },

    /** Adds this claim's deliveries at `now` to the logs of the capped webhooks among them. */
    async record(claimedPerWebhook: ReadonlyMap<string, number>, recent: ReadonlyMap<string, number[]>, now: number): Promise<void> {
      for (const [id, count] of claimedPerWebhook) {
        const kept = recent.get(id);
        if (!kept) continue;
        const log = JSON.stringify([...kept, ...Array.from({ length: count }, () => now)]);
        await trx
          .insertInto('endpoint_rates')
          .values({ webhook_id: id, recent: log })
          .onConflict((conflict) => conflict.column('webhook_id').doUpdateSet({ recent: log }))
          .execute();
      }
    },
  };
}
