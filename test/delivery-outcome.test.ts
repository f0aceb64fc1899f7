import { describe, expect, it } from 'vitest';
import type { AttemptTrigger, DeliveryStatus } from '../src/domain/delivery-lifecycle.ts';
import { canSend, decideOutcome, failureCountChange, type Outcome, type OutcomeInput } from '../src/delivery/outcome.ts';
import { MAX_RETRY_DELAY_MS } from '../src/delivery/retry-schedule.ts';
import type { RetryPolicy } from '../src/domain/webhook.ts';
import { DISABLED_BY_RECEIVER, type ReceiverDirective } from '../src/domain/receiver-directive.ts';
import { attemptTopics } from '../src/domain/operational-events.ts';

/*
 * The outcome rules as a table: one row per case, read left to right as
 * trigger, delivery before, webhook after counting, what came back -> what happens.
 * Jitter is pinned to the middle (random 0.5), so delays are exactly the policy's.
 */

const NOW = 1_000_000;
const S = 1000;
const HOUR = 3600 * S;
const policy: RetryPolicy = { maxRetries: 3, backoffSeconds: 10, strategy: 'FIXED' };

type Row = {
  name: string;
  trigger?: AttemptTrigger;
  delivery?: [DeliveryStatus, number];
  /** enabled, consecutive failures (counted), policy changes; null: deleted. */
  webhook?: { enabled?: boolean; failures?: number; policy?: Partial<RetryPolicy> } | null;
  /** Response status (null: no response, e.g. refused), Retry-After in ms; 'none': no attempt made. */
  result: [number | null, number?] | 'none';
  /** The endpoint's webhook-delivery header, parsed. */
  directive?: ReceiverDirective;
  expected: Partial<Outcome>;
};

const rows: Row[] = [
  // Success
  { name: '2xx succeeds', result: [200], expected: { status: 'SUCCEEDED', attemptCount: 1, nextAttemptAt: null, disableReason: null } },
  {
    name: 'a MANUAL success turns FAILED into SUCCEEDED',
    trigger: 'MANUAL',
    delivery: ['FAILED', 4],
    result: [200],
    expected: { status: 'SUCCEEDED', attemptCount: 5 },
  },
  {
    name: 'a success on a disabled webhook still succeeds',
    trigger: 'MANUAL',
    webhook: { enabled: false },
    result: [200],
    expected: { status: 'SUCCEEDED' },
  },

  // The retry policy
  {
    name: 'a failure retries after backoffSeconds',
    result: [500],
    expected: { status: 'RETRYING', attemptCount: 1, nextAttemptAt: NOW + 10 * S },
  },
  {
    name: 'no response at all retries too',
    result: [null],
    expected: { status: 'RETRYING', nextAttemptAt: NOW + 10 * S, failureReason: null },
  },
  {
    name: 'LINEAR: the third attempt waits 3 x backoff',
    delivery: ['RETRYING', 2],
    webhook: { policy: { strategy: 'LINEAR' } },
    result: [500],
    expected: { status: 'RETRYING', attemptCount: 3, nextAttemptAt: NOW + 30 * S },
  },
  {
    name: 'EXPONENTIAL: the third attempt waits 4 x backoff',
    delivery: ['RETRYING', 2],
    webhook: { policy: { strategy: 'EXPONENTIAL' } },
    result: [500],
    expected: { nextAttemptAt: NOW + 40 * S },
  },
  {
    name: 'attempt maxRetries still retries',
    delivery: ['RETRYING', 2],
    result: [500],
    expected: { status: 'RETRYING', attemptCount: 3, retriesSpent: false },
  },
  {
    name: 'attempt maxRetries + 1 is the last: FAILED',
    delivery: ['RETRYING', 3],
    result: [500],
    expected: {
      status: 'FAILED',
      attemptCount: 4,
      nextAttemptAt: null,
      retriesSpent: true,
      failureReason: 'no attempts left after 4: last attempt HTTP_ERROR 500',
    },
  },
  {
    name: 'maxRetries 0: the first failure is final',
    webhook: { policy: { maxRetries: 0 } },
    result: [500],
    expected: { status: 'FAILED', attemptCount: 1, nextAttemptAt: null, retriesSpent: true },
  },
  {
    name: 'retries spent without a response: the reason names the outcome alone',
    webhook: { policy: { maxRetries: 0 } },
    result: [null],
    expected: { status: 'FAILED', failureReason: 'no attempts left after 1: last attempt CONNECTION_ERROR' },
  },
  {
    name: 'the delay is capped at 24 hours',
    webhook: { policy: { backoffSeconds: 300, strategy: 'EXPONENTIAL', maxRetries: 10 } },
    delivery: ['RETRYING', 9],
    result: [500],
    expected: { nextAttemptAt: NOW + MAX_RETRY_DELAY_MS },
  },

  // Retry-After
  { name: '429 with Retry-After waits as asked', result: [429, 120 * S], expected: { status: 'RETRYING', nextAttemptAt: NOW + 120 * S } },
  { name: '503 with Retry-After waits as asked', result: [503, 120 * S], expected: { nextAttemptAt: NOW + 120 * S } },
  { name: 'Retry-After shorter than the backoff: the backoff', result: [429, 1 * S], expected: { nextAttemptAt: NOW + 10 * S } },
  { name: 'Retry-After past 24 hours: 24 hours', result: [503, 48 * HOUR], expected: { nextAttemptAt: NOW + MAX_RETRY_DELAY_MS } },
  { name: 'Retry-After on a 500 is ignored', result: [500, 120 * S], expected: { nextAttemptAt: NOW + 10 * S } },
  {
    name: 'Retry-After does not outlast the policy',
    delivery: ['RETRYING', 3],
    result: [429, 120 * S],
    expected: { status: 'FAILED', nextAttemptAt: null },
  },

  // 410 Gone and the run of failures
  {
    name: '410 Gone disables the webhook and fails the delivery',
    result: [410],
    expected: {
      status: 'FAILED',
      attemptCount: 1,
      nextAttemptAt: null,
      disableReason: 'The endpoint answered 410 Gone',
      retriesSpent: false,
    },
  },
  {
    name: '410 on a MANUAL attempt disables too',
    trigger: 'MANUAL',
    delivery: ['FAILED', 2],
    result: [410],
    expected: { status: 'FAILED', disableReason: 'The endpoint answered 410 Gone' },
  },
  {
    name: '410 on a webhook already disabled changes nothing more',
    trigger: 'MANUAL',
    delivery: ['FAILED', 2],
    webhook: { enabled: false },
    result: [410],
    expected: { status: 'FAILED', disableReason: null },
  },
  {
    name: 'the run reaching the limit disables',
    webhook: { failures: 25 },
    result: [500],
    expected: { status: 'FAILED', nextAttemptAt: null, disableReason: 'Disabled after 25 consecutive failed attempts' },
  },
  {
    name: 'one short of the limit retries',
    webhook: { failures: 24 },
    result: [500],
    expected: { status: 'RETRYING', disableReason: null },
  },
  {
    name: 'the limit reached on the last retry: disabled, and retries spent too',
    webhook: { failures: 25 },
    delivery: ['RETRYING', 3],
    result: [500],
    expected: { status: 'FAILED', disableReason: 'Disabled after 25 consecutive failed attempts', retriesSpent: true },
  },
  {
    name: 'a failed TEST attempt past the policy spends no retries',
    trigger: 'TEST',
    delivery: ['PENDING', 3],
    result: [500],
    expected: { status: 'FAILED', retriesSpent: false },
  },

  // Attempts a person asked for
  {
    name: 'a failed TEST attempt ends its delivery, no retry',
    trigger: 'TEST',
    result: [500],
    expected: { status: 'FAILED', attemptCount: 1, nextAttemptAt: null, disableReason: null },
  },
  { name: 'a TEST 410 does not disable', trigger: 'TEST', result: [410], expected: { status: 'FAILED', disableReason: null } },
  {
    name: 'a TEST failure past the limit does not disable',
    trigger: 'TEST',
    webhook: { failures: 99 },
    result: [500],
    expected: { disableReason: null },
  },
  {
    name: 'a failed MANUAL attempt leaves a SUCCEEDED delivery SUCCEEDED',
    trigger: 'MANUAL',
    delivery: ['SUCCEEDED', 1],
    result: [500],
    expected: { status: 'SUCCEEDED', attemptCount: 2, nextAttemptAt: null },
  },
  {
    name: 'a failed MANUAL attempt does not reopen a FAILED delivery',
    trigger: 'MANUAL',
    delivery: ['FAILED', 4],
    result: [500],
    expected: { status: 'FAILED', attemptCount: 5, nextAttemptAt: null, retriesSpent: false },
  },
  {
    name: 'a failed MANUAL attempt on an open delivery retries on schedule',
    trigger: 'MANUAL',
    delivery: ['RETRYING', 1],
    result: [500],
    expected: { status: 'RETRYING', attemptCount: 2 },
  },

  // The endpoint's webhook-delivery header
  {
    name: 'abort-message on a failure ends the delivery FAILED with retries left',
    directive: 'ABORT_MESSAGE',
    result: [500],
    expected: { status: 'FAILED', attemptCount: 1, nextAttemptAt: null, disableReason: null, retriesSpent: false },
  },
  {
    name: 'abort-message ends a MANUAL attempt on an open delivery too',
    trigger: 'MANUAL',
    delivery: ['RETRYING', 2],
    directive: 'ABORT_MESSAGE',
    result: [503, 1000],
    expected: { status: 'FAILED', nextAttemptAt: null },
  },
  {
    name: 'abort-message on a success changes nothing',
    directive: 'ABORT_MESSAGE',
    result: [200],
    expected: { status: 'SUCCEEDED', disableReason: null },
  },
  {
    name: 'disable on a success disables the webhook, the delivery SUCCEEDED',
    directive: 'DISABLE',
    result: [200],
    expected: { status: 'SUCCEEDED', disableReason: DISABLED_BY_RECEIVER },
  },
  {
    name: 'disable on a failure disables and ends the delivery',
    directive: 'DISABLE',
    result: [500],
    expected: { status: 'FAILED', nextAttemptAt: null, disableReason: DISABLED_BY_RECEIVER },
  },
  {
    name: 'disable on a TEST attempt still disables: the endpoint asked',
    trigger: 'TEST',
    directive: 'DISABLE',
    result: [200],
    expected: { disableReason: DISABLED_BY_RECEIVER },
  },
  {
    name: 'disable from an already disabled webhook changes nothing more',
    trigger: 'MANUAL',
    webhook: { enabled: false },
    directive: 'DISABLE',
    result: [200],
    expected: { status: 'SUCCEEDED', disableReason: null },
  },

  // A webhook gone, or no attempt made
  {
    name: 'the webhook deleted during the attempt: FAILED',
    webhook: null,
    result: [500],
    expected: { status: 'FAILED', attemptCount: 1, nextAttemptAt: null, disableReason: null },
  },
  {
    name: 'not sent (webhook gone or disabled): PENDING becomes FAILED, no attempt counted',
    result: 'none',
    expected: { status: 'FAILED', attemptCount: 0, nextAttemptAt: null },
  },
  { name: 'not sent: RETRYING becomes FAILED', delivery: ['RETRYING', 2], result: 'none', expected: { status: 'FAILED', attemptCount: 2 } },
  {
    name: 'not sent: SUCCEEDED stays SUCCEEDED',
    trigger: 'MANUAL',
    delivery: ['SUCCEEDED', 1],
    result: 'none',
    expected: { status: 'SUCCEEDED', attemptCount: 1 },
  },
];

function inputOf(row: Row): OutcomeInput {
  const [status, attemptCount] = row.delivery ?? ['PENDING', 0];
  const webhook =
    row.webhook === null
      ? null
      : {
          enabled: row.webhook?.enabled ?? true,
          consecutiveFailures: row.webhook?.failures ?? 1,
          retryPolicy: { ...policy, ...row.webhook?.policy },
        };
  const result =
    row.result === 'none'
      ? null
      : {
          outcome:
            row.result[0] === null ? ('CONNECTION_ERROR' as const) : row.result[0] < 300 ? ('SUCCEEDED' as const) : ('HTTP_ERROR' as const),
          responseStatus: row.result[0],
          retryAfterMs: row.result[1] ?? null,
          directive: row.directive ?? null,
        };
  return {
    trigger: row.trigger ?? 'SCHEDULED',
    delivery: { status, attemptCount },
    webhook,
    result,
    now: NOW,
    autoDisableAfter: 25,
    random: () => 0.5,
  };
}

describe('decideOutcome', () => {
  it.each(rows)('$name', (row) => {
    expect(decideOutcome(inputOf(row))).toMatchObject(row.expected);
  });
});

describe('canSend', () => {
  it.each([
    [{ enabled: true }, 'SCHEDULED', true],
    [{ enabled: false }, 'SCHEDULED', false],
    [{ enabled: false }, 'MANUAL', true],
    [{ enabled: false }, 'TEST', true],
    [undefined, 'MANUAL', false],
  ] as const)('%j, %s -> %s', (webhook, trigger, expected) => {
    expect(canSend(webhook, trigger)).toBe(expected);
  });
});

describe('failureCountChange', () => {
  it.each([
    ['SCHEDULED', 'SUCCEEDED', 'reset'],
    ['MANUAL', 'SUCCEEDED', 'reset'],
    ['SCHEDULED', 'HTTP_ERROR', 'counted'],
    ['MANUAL', 'TIMED_OUT', 'counted'],
    ['TEST', 'HTTP_ERROR', 'untouched'],
    ['TEST', 'SUCCEEDED', 'untouched'],
  ] as const)('%s attempt, %s -> %s', (trigger, outcome, expected) => {
    expect(failureCountChange(trigger, { outcome })).toBe(expected);
  });
});

describe('attemptTopics: what a recorded attempt tells the tenant', () => {
  it.each([
    ['a first failure', 'PENDING', 1, false, false, []],
    ['the 3rd failure', 'RETRYING', 3, false, false, []],
    ['the 4th failure', 'RETRYING', 4, false, false, ['gateway.delivery.failing']],
    ['the 5th failure', 'RETRYING', 5, false, false, []],
    ['the 4th failure, and the last retry', 'RETRYING', 4, false, true, ['gateway.delivery.failing', 'gateway.delivery.exhausted']],
    ['the last retry', 'RETRYING', 6, false, true, ['gateway.delivery.exhausted']],
    ['a first success', 'PENDING', 1, true, false, []],
    ['a success after failures', 'RETRYING', 3, true, false, ['gateway.delivery.recovered']],
    ['a MANUAL success of a FAILED delivery', 'FAILED', 7, true, false, ['gateway.delivery.recovered']],
    ['another success of a SUCCEEDED delivery', 'SUCCEEDED', 4, true, false, []],
    ['a failure of a SUCCEEDED delivery, 4th attempt', 'SUCCEEDED', 4, false, false, []],
  ] as const)('%s', (_name, statusBefore, attemptCount, succeeded, retriesSpent, expected) => {
    expect(attemptTopics({ statusBefore, attemptCount, succeeded, retriesSpent })).toEqual(expected);
  });
});
