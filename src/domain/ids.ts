import { randomFillSync } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';

// ulid's default source asks the OS for one byte per character (16 calls per id); draw them from a pool instead.
const pool = new Uint8Array(4096);
let drawn = pool.length;
function randomFraction(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return pool[drawn++]! / 256;
}

/*
 * Monotonic within a millisecond, so ids minted in the same one still sort in creation order
 * (keyset pages rely on it), and only within it: each id carries the time it was minted at,
 * which the time filters read (firstIdAt). One factory across all times would mint every id
 * after the latest time it had seen with that time instead, so a clock that runs behind it (a
 * test's, or the system's stepped back) would mint ids outside the windows they belong to.
 */
let minting = { at: Number.NaN, ulid: monotonicFactory(randomFraction) };

export const idPrefixes = {
  tenant: 'ten',
  webhook: 'wh',
  event: 'evt',
  delivery: 'dlv',
  attempt: 'att',
  apiKey: 'key',
  audit: 'aud',
} as const;

type IdKind = keyof typeof idPrefixes;

export function newId(kind: IdKind, now: number = Date.now()): string {
  if (now !== minting.at) minting = { at: now, ulid: monotonicFactory(randomFraction) };
  return `${idPrefixes[kind]}_${minting.ulid(now)}`;
}

/** The smallest id of this kind minted at `ms`: every id minted earlier sorts below it (before 1970: the smallest of all). */
export function firstIdAt(kind: IdKind, ms: number): string {
  return `${idPrefixes[kind]}_${encodeTime(Math.max(ms, 0), 10)}${'0'.repeat(16)}`;
}

/** The kind an id names, or null when it carries no known prefix. */
export function idKind(id: string): IdKind | null {
  const prefix = id.slice(0, id.indexOf('_'));
  const entry = Object.entries(idPrefixes).find(([, value]) => value === prefix);
  return entry ? (entry[0] as IdKind) : null;
}
