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

// Monotonic so ids minted in the same millisecond still sort in creation order (keyset pages rely on it).
const ulid = monotonicFactory(randomFraction);

export const idPrefixes = {
  tenant: 'ten',
  webhook: 'wh',
  event: 'evt',
  delivery: 'dlv',
  attempt: 'att',
  apiKey: 'key',
} as const;

type IdKind = keyof typeof idPrefixes;

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${idPrefixes[kind]}_${ulid(now)}`;
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
