import { sql, type SelectQueryBuilder } from 'kysely';
import { inputLimits } from '../domain/limits.ts';

/*
 * Relay pagination over ULID ids, newest first. Cursors are ids and comparisons are strict,
 * so no row repeats across pages and inserts between requests never shift a page.
 */

export const DEFAULT_PAGE_SIZE = inputLimits.pageSize.default;
export const MAX_PAGE_SIZE = inputLimits.pageSize.max;

export type PageArgs = {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
};

export type Page<Row> = {
  rows: Row[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
};

type KeysetSource<Row> = {
  /** Rows strictly older (`id < cursor`, newest first) or newer (`id > cursor`, oldest first). */
  fetch(direction: 'older' | 'newer', cursor: string | null, limit: number): Promise<Row[]>;
  /** Whether any row lies at or beyond the cursor in that direction. */
  exists(direction: 'older' | 'newer', cursor: string): Promise<boolean>;
};

export async function keysetPage<Row extends { id: string }>(args: PageArgs, source: KeysetSource<Row>): Promise<Page<Row>> {
  if (args.last != null) {
    const limit = args.last;
    const rows = await source.fetch('newer', args.before ?? null, limit + 1);
    const hasPreviousPage = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const hasNextPage = args.before ? await source.exists('older', args.before) : false;
    return { rows: page, hasNextPage, hasPreviousPage };
  }
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  const rows = await source.fetch('older', args.after ?? null, limit + 1);
  const hasNextPage = rows.length > limit;
  const hasPreviousPage = args.after ? await source.exists('newer', args.after) : false;
  return { rows: rows.slice(0, limit), hasNextPage, hasPreviousPage };
}

/** A keyset source over any single-table query whose rows carry a ULID `id`. */
export function byId<DB, TB extends keyof DB, Row extends { id: string }>(base: () => SelectQueryBuilder<DB, TB, Row>): KeysetSource<Row> {
  const id = sql.ref('id');
  return {
    fetch: (direction, cursor, limit) => {
      let query = base();
      if (cursor) query = query.where(id, direction === 'older' ? '<' : '>', cursor);
      return query
        .orderBy(id, direction === 'older' ? 'desc' : 'asc')
        .limit(limit)
        .execute();
    },
    exists: async (direction, cursor) =>
      (await base()
        .where(id, direction === 'older' ? '<=' : '>=', cursor)
        .limit(1)
        .executeTakeFirst()) !== undefined,
  };
}
