import type { Clock } from '../../src/clock.ts';

/** A clock that only moves when the test says so. */
export type FakeClock = Clock & { advance(ms: number): void };

export function fakeClock(start = Date.parse('2026-11-01T00:00:00.000Z')): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}
