import { sql } from 'kysely';
import type { Db } from './db.ts';
import { greatest, least } from './dialect.ts';

/*
 * Token buckets in the database, one row per API key, so every instance on it draws from the
 * same bucket. One upsert per mutation: the row lock it takes makes refill-and-take atomic, and
 * `taken` records whether this call got a token (a refused call leaves the tokens as they were).
 */
export function rateLimitRepository(db: Db) {
  return {
    /** Takes a token for `keyId`; returns whether it got one and the tokens the bucket holds now. */
    async take(keyId: string, params: { now: number; perSecond: number; burst: number }): Promise<{ taken: boolean; tokens: number }> {
      const { now, perSecond, burst } = params;
      const refill = sql<number>`${least(db, sql`cast(${burst} as double precision)`, sql`rate_limits.tokens + cast(${greatest(db, sql`0`, sql`${now} - rate_limits.at`)} as double precision) * cast(${perSecond} as double precision) / 1000.0`)}`;
      const row = await db
        .insertInto('rate_limits')
        .values({ key_id: keyId, tokens: burst - 1, at: now, taken: 1 })
        .onConflict((conflict) =>
          conflict.column('key_id').doUpdateSet({
            tokens: sql<number>`case when ${refill} >= 1 then ${refill} - 1 else ${refill} end`,
            at: sql<number>`${greatest(db, sql`rate_limits.at`, sql`${now}`)}`,
            taken: sql<number>`case when ${refill} >= 1 then 1 else 0 end`,
          }),
        )
        .returning(['tokens', 'taken'])
        .executeTakeFirstOrThrow();
      return { taken: row.taken === 1, tokens: row.tokens };
    },
  };
}
