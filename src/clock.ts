/** Time as the app sees it; tests drive retries and expiries through their own clock. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };
