import type { Clock } from '../clock.ts';
import { RateLimitedError } from '../domain/errors.ts';
import type { Db } from '../store/db.ts';
import { rateLimitRepository } from '../store/rate-limits.ts';

/**
 * A token bucket per API key: `perSecond` sustained, up to `burst` at once. In memory, so per
 * process; a key idle long enough to refill is forgotten.
 */
export function createRateLimiter(options: { perSecond: number; burst: number; clock: Clock }) {
  const { perSecond, burst, clock } = options;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillMs = (burst / perSecond) * 1000;

  return {
    /** Takes one token for this key, or throws RateLimitedError saying when one will be free. */
    take(key: string): void {
      if (perSecond <= 0) return;
      const now = clock.now();
      if (buckets.size > 10_000) {
        for (const [id, bucket] of buckets) if (now - bucket.at >= refillMs) buckets.delete(id);
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) throw new RateLimitedError(Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)));
      bucket.tokens -= 1;
    },
  };
}

/**
 * The same buckets in the database (store/rate-limits.ts), for instances sharing Postgres: a
 * key's mutations draw from one bucket whichever instance they reach, one statement each.
 */
export function createSharedRateLimiter(options: { perSecond: number; burst: number; clock: Clock; db: Db }) {
  const { perSecond, burst, clock } = options;
  const limits = rateLimitRepository(options.db);
  return {
    async take(key: string): Promise<void> {
      if (perSecond <= 0) return;
      const { taken, tokens } = await limits.take(key, { now: clock.now(), perSecond, burst });
      if (!taken) throw new RateLimitedError(Math.max(1, Math.ceil((1 - tokens) / perSecond)));
    },
  };
}
