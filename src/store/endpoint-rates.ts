import { parseJson, type Executor } from './db.ts';

/*
 * Endpoint rate caps (`Webhook.rateLimitPerSecond`), counted on a sliding log of each capped
 * webhook's claims. A fixed one-second window lets twice the cap through across its edge (a
 * batch claimed at x.998 lands in the next second with that second's own), so the claim looks at
 * the claims of the last RATE_WINDOW_MS instead: a second, plus room for the jitter between a
 * claim and its request leaving, so a receiver counting by its clock's seconds never sees more
 * than the cap. Read and written inside the claim's transaction, under its lock: one claimer at
 * a time, over every worker and instance.
 */

export const RATE_WINDOW_MS = 1_100;

export type RateRoom = {
  /** Claims each capped webhook may still make now; a capped webhook not listed has its whole cap. */
  room: Map<string, number>;
  /** The earliest time a webhook with no room gets some back, if any has none. */
  nextRoomAt: number | null;
};

export function endpointRates(trx: Executor) {
  return {
    async roomAt(now: number): Promise<RateRoom> {
      const rows = await trx
        .selectFrom('endpoint_rates')
        .innerJoin('webhooks', 'webhooks.id', 'endpoint_rates.webhook_id')
        .select(['endpoint_rates.webhook_id', 'endpoint_rates.recent', 'webhooks.rate_limit_per_second'])
        .where('webhooks.rate_limit_per_second', 'is not', null)
        .execute();
      const room = new Map<string, number>();
      let nextRoomAt: number | null = null;
      for (const row of rows) {
        const recent = parseJson(row.recent).filter((at) => at > now - RATE_WINDOW_MS);
        const left = (row.rate_limit_per_second ?? 0) - recent.length;
        room.set(row.webhook_id, Math.max(0, left));
        // When full, the oldest claim leaving the window frees the next slot.
        if (left <= 0 && recent.length > 0) nextRoomAt = Math.min(nextRoomAt ?? Infinity, recent[recent.length - (row.rate_limit_per_second ?? 0)]! + RATE_WINDOW_MS);
      }
      return { room, nextRoomAt };
    },

    /** Adds `count` claims at `now` to each capped webhook's log, dropping what left the window. */
    async record(claims: ReadonlyMap<string, number>, now: number): Promise<void> {
      if (claims.size === 0) return;
      const capped = await trx
        .selectFrom('webhooks')
        .leftJoin('endpoint_rates', 'endpoint_rates.webhook_id', 'webhooks.id')
        .select(['webhooks.id', 'endpoint_rates.recent'])
        .where('webhooks.id', 'in', [...claims.keys()])
        .where('webhooks.rate_limit_per_second', 'is not', null)
        .execute();
      for (const { id, recent } of capped) {
        const kept = recent === null ? [] : parseJson(recent).filter((at) => at > now - RATE_WINDOW_MS);
        const log = JSON.stringify([...kept, ...Array.from({ length: claims.get(id) ?? 0 }, () => now)]);
        await trx
          .insertInto('endpoint_rates')
          .values({ webhook_id: id, recent: log })
          .onConflict((conflict) => conflict.column('webhook_id').doUpdateSet({ recent: log }))
          .execute();
      }
    },
  };
}
