import { decodeTime } from 'ulid';
import { expect, it } from 'vitest';
import { firstIdAt, newId } from '../src/domain/ids.ts';

/*
 * Ids carry the time they were minted at (the time filters read it through firstIdAt) and sort
 * in creation order within a millisecond (keyset pages). A clock behind the latest time seen,
 * a test's or a stepped-back system clock, must still mint ids inside its own window: the
 * suite's files share one process, and a file whose clock ran ahead once broke the next one's.
 */

const ulidOf = (id: string) => id.slice(id.indexOf('_') + 1);

it('sorts ids minted in one millisecond in the order they were minted', () => {
  const at = Date.parse('2026-01-01T00:00:00Z');
  const ids = Array.from({ length: 100 }, () => newId('delivery', at));
  expect([...ids].sort()).toEqual(ids);
});

it('mints an id at its own time after an id of a later time', () => {
  const later = Date.parse('2030-01-01T00:00:00Z');
  const earlier = Date.parse('2026-06-01T00:00:00Z');
  newId('event', later);
  const id = newId('event', earlier);
  expect(decodeTime(ulidOf(id))).toBe(earlier);
  expect(id >= firstIdAt('event', earlier) && id < firstIdAt('event', earlier + 1)).toBe(true);
});
