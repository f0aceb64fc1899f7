import type { BackoffStrategy } from '../store/webhooks.ts';
import { parseHttpDate } from './http-date.ts';

export const MAX_RETRY_DELAY_MS = 24 * 60 * 60 * 1000;

const JITTER = 0.2;

function backoffMultiplier(strategy: BackoffStrategy, attemptNumber: number): number {
  switch (strategy) {
    case 'FIXED':
      return 1;
    case 'LINEAR':
      return attemptNumber;
    case 'EXPONENTIAL':
      return 2 ** (attemptNumber - 1);
  }
}

/** How long to wait after attempt `attemptNumber` (1-based) failed. */
export function retryDelayMs(params: {
  attemptNumber: number;
  backoffSeconds: number;
  strategy: BackoffStrategy;
  random?: () => number;
  retryAfterMs?: number | null;
}): number {
  const random = params.random ?? Math.random;
  const base = params.backoffSeconds * 1000 * backoffMultiplier(params.strategy, params.attemptNumber);
  // Jitter spreads retries of many deliveries that failed together (one endpoint down).
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  const delay = params.retryAfterMs == null ? jittered : Math.max(jittered, params.retryAfterMs);
  return Math.round(Math.min(delay, MAX_RETRY_DELAY_MS));
}

/** A Retry-After header (delta-seconds or HTTP-date) as milliseconds from `nowMs`. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header == null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = parseHttpDate(value, nowMs);
  return at === null ? null : Math.max(0, at - nowMs);
}
