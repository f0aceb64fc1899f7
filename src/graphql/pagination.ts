import { z } from 'zod';
import { COUNT_CAP } from '../store/capped-count.ts';
import { MAX_PAGE_SIZE, type Page } from '../store/keyset.ts';

const pageSize = (name: string) =>
  z
    .number()
    .int()
    .min(0, `${name} must not be negative`)
    .max(MAX_PAGE_SIZE, `${name} must be at most ${MAX_PAGE_SIZE}; page through larger sets with after/before`)
    .nullish();

/** Checked by the validation plugin before a connection resolver runs. */
export const pageArgsSchema = z
  .object({ first: pageSize('first'), last: pageSize('last') })
  .passthrough()
  .refine((args) => args.first == null || args.last == null, 'pass first or last, not both');

/** A count from the store, at most COUNT_CAP + 1, as the schema shows it: at most COUNT_CAP, and whether it stopped there. */
export function shownCount(counted: number): { count: number; capped: boolean } {
  return { count: Math.min(counted, COUNT_CAP), capped: counted > COUNT_CAP };
}

/** `count` is a capped count (store/capped-count.ts), run once however many of totalCount and totalCountCapped are asked. */
export function toConnection<Node extends { id: string }>(page: Page<Node>, count: () => Promise<number>) {
  let counted: Promise<{ count: number; capped: boolean }> | undefined;
  const totalCount = () => (counted ??= count().then(shownCount));
  return {
    edges: page.rows.map((node) => ({ cursor: node.id, node })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.rows[0]?.id ?? null,
      endCursor: page.rows.at(-1)?.id ?? null,
    },
    totalCount,
  };
}
