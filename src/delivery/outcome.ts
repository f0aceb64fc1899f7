import { isOpen, statusWhenEnded, type AttemptTrigger, type DeliveryStatus } from '../domain/delivery-lifecycle.ts';
import type { RetryPolicy } from '../domain/webhook.ts';
import type { AttemptResult } from './dispatcher.ts';
import { retryDelayMs } from './retry-schedule.ts';
import { DISABLED_BY_RECEIVER } from '../domain/receiver-directive.ts';

/*
 * The outcome rules: what an attempt (or the lack of one) does to its delivery and webhook.
 * Pure functions of their arguments, so the whole policy reads, and is tested, as a table
 * (test/delivery-outcome.test.ts). The recorder applies what they decide.
 */

/** Receivers may ask for a later retry with Retry-After on these statuses; on others it is ignored. */
function honoursRetryAfter(responseStatus: number | null): boolean {
  return responseStatus === 429 || responseStatus === 503;
}

/**
 * Whether a claimed delivery is sent at all. A deleted webhook receives nothing; a disabled one
 * only what a person asked for (redeliver, sendTestEvent): checking an endpoint before enabling it is the point.
 */
export function canSend<W extends { enabled: boolean }>(webhook: W | null | undefined, trigger: AttemptTrigger): webhook is W {
  return !!webhook && (webhook.enabled || trigger !== 'SCHEDULED');
}

/**
 * What an attempt does to its webhook's run of consecutive failures: a success ends it, a
 * failure adds to it, a test attempt leaves it alone (it says nothing about live traffic).
 */
export function failureCountChange(trigger: AttemptTrigger, result: Pick<AttemptResult, 'outcome'>): 'reset' | 'counted' | 'untouched' {
  if (trigger === 'TEST') return 'untouched';
  return result.outcome === 'SUCCEEDED' ? 'reset' : 'counted';
}

export type OutcomeInput = {
  trigger: AttemptTrigger;
  delivery: { status: DeliveryStatus; attemptCount: number };
  /**
   * The webhook as this attempt leaves it, its failure already counted (failureCountChange);
   * null once it is deleted. Only a counted failure reads it.
   */
  webhook: { enabled: boolean; retryPolicy: RetryPolicy; consecutiveFailures: number } | null;
  /** What the attempt got back; null when none was made (canSend said no). */
  result: Pick<AttemptResult, 'outcome' | 'responseStatus' | 'retryAfterMs' | 'directive'> | null;
  now: number;
  /** Consecutive failed attempts after which the gateway disables a webhook. */
  autoDisableAfter: number;
  /** Jitter source for the retry delay. */
  random: () => number;
};

export type Outcome = {
  /** The delivery's attempt count afterwards: one more when an attempt was made. */
  attemptCount: number;
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  /** Why the gateway disables the webhook now, if it does. */
  disableReason: string | null;
  /** The schedule ended here because the policy's retries were used up (gateway.delivery.exhausted). */
  retriesSpent: boolean;
  /** Delivery.failureReason, when this outcome fails the delivery for a reason of its own; else null (kept as it was). */
  failureReason: string | null;
};

/** Why a delivery whose retries ran out failed: its attempts and what the last one got. */
export function retriesSpentReason(attemptCount: number, result: Pick<AttemptResult, 'outcome' | 'responseStatus'>): string {
  const got = result.responseStatus !== null ? `${result.outcome} ${result.responseStatus}` : result.outcome;
  return `no attempts left after ${attemptCount}: last attempt ${got}`;
}

/**
 * The delivery's next status and attempt time, and whether its webhook is disabled. A person's
 * attempt (MANUAL, TEST) never reopens a finished delivery's schedule; a scheduled one retries
 * until the policy runs out, or until the endpoint answers `webhook-delivery: abort-message`.
 * 410 Gone, or the run of failures reaching `autoDisableAfter`, disables an enabled webhook
 * (never on a TEST attempt) and ends the delivery; so does `webhook-delivery: disable`, on any
 * attempt, and a delivery that succeeded with it stays SUCCEEDED.
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { delivery, webhook, trigger, result, now } = input;
  if (result === null) {
    return {
      attemptCount: delivery.attemptCount,
      status: statusWhenEnded(delivery.status),
      nextAttemptAt: null,
      disableReason: null,
      retriesSpent: false,
      failureReason: null,
    };
  }
  const attemptCount = delivery.attemptCount + 1;
  // The endpoint's own word (receiver-directive.ts) counts on any response and any trigger.
  const askedToDisable = result.directive === 'DISABLE' && !!webhook?.enabled;
  if (result.outcome === 'SUCCEEDED') {
    return {
      attemptCount,
      status: 'SUCCEEDED',
      nextAttemptAt: null,
      disableReason: askedToDisable ? DISABLED_BY_RECEIVER : null,
      retriesSpent: false,
      failureReason: null,
    };
  }

  let disableReason: string | null = askedToDisable ? DISABLED_BY_RECEIVER : null;
  if (!disableReason && webhook?.enabled && trigger !== 'TEST') {
    if (result.responseStatus === 410) disableReason = 'The endpoint answered 410 Gone';
    else if (webhook.consecutiveFailures >= input.autoDisableAfter) {
      disableReason = `Disabled after ${webhook.consecutiveFailures} consecutive failed attempts`;
    }
  }
  const aborted = result.directive === 'ABORT_MESSAGE';
  // Used up: an open delivery's schedule past the policy, whatever else also ended it (a disable on the same attempt).
  const retriesSpent =
    !!webhook && trigger !== 'TEST' && isOpen(delivery.status) && !aborted && attemptCount > webhook.retryPolicy.maxRetries;
  if (!webhook || disableReason || aborted || trigger === 'TEST' || !isOpen(delivery.status) || retriesSpent) {
    const status = statusWhenEnded(delivery.status);
    const failureReason = retriesSpent && status === 'FAILED' ? retriesSpentReason(attemptCount, result) : null;
    return { attemptCount, status, nextAttemptAt: null, disableReason, retriesSpent, failureReason };
  }
  const delay = retryDelayMs({
    attemptNumber: attemptCount,
    backoffSeconds: webhook.retryPolicy.backoffSeconds,
    strategy: webhook.retryPolicy.strategy,
    retryAfterMs: honoursRetryAfter(result.responseStatus) ? result.retryAfterMs : null,
    random: input.random,
  });
  return { attemptCount, status: 'RETRYING', nextAttemptAt: now + delay, disableReason: null, retriesSpent: false, failureReason: null };
}
