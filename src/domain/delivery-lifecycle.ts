/*
 * A delivery's life: PENDING until its first attempt, RETRYING while the schedule has another
 * to come, then SUCCEEDED or FAILED. One with an ordering key is WAITING, with nothing
 * scheduled, while an earlier one of its key to its webhook is open (store/ordering.ts). `statusWhenEnded` is the one answer to "when does a
 * delivery become FAILED?"; the worker's outcome rules and the store's bulk update both use it.
 */

export const deliveryStatuses = ['PENDING', 'RETRYING', 'WAITING', 'SUCCEEDED', 'FAILED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** SCHEDULED attempts follow the retry schedule; MANUAL (redeliver) and TEST ones a person asked for. */
export const attemptTriggers = ['SCHEDULED', 'MANUAL', 'TEST'] as const;
export type AttemptTrigger = (typeof attemptTriggers)[number];

/** How one attempt ended: 2xx, another status, no answer in time, no connection, or a forbidden address. */
const attemptOutcomes = ['SUCCEEDED', 'HTTP_ERROR', 'TIMED_OUT', 'CONNECTION_ERROR', 'BLOCKED'] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/** Statuses with an attempt scheduled: at most one delivery of an ordering key's line has one. */
export const scheduledStatuses = ['PENDING', 'RETRYING'] as const satisfies readonly DeliveryStatus[];

/** Statuses not yet ended: scheduled, or waiting for their turn. */
export const openStatuses = [...scheduledStatuses, 'WAITING'] as const satisfies readonly DeliveryStatus[];

export function isOpen(status: DeliveryStatus): boolean {
  return (openStatuses as readonly DeliveryStatus[]).includes(status);
}

/** What an open delivery becomes when its schedule ends without a success. */
export const ENDED_UNSENT = 'FAILED' satisfies DeliveryStatus;

/**
 * The status a delivery takes when its schedule ends without a success: retries spent, its
 * webhook disabled or deleted, or a test attempt that failed. An open delivery becomes FAILED;
 * a finished one keeps its status, so a person's extra attempt never undoes a success.
 */
export function statusWhenEnded(status: DeliveryStatus): DeliveryStatus {
  return isOpen(status) ? ENDED_UNSENT : status;
}
