/*
 * A delivery's life: PENDING until its first attempt, RETRYING while the schedule has another
 * to come, then SUCCEEDED or FAILED. `statusWhenEnded` is the one answer to "when does a
 * delivery become FAILED?"; the worker's outcome rules and the store's bulk update both use it.
 */

export const deliveryStatuses = ['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** SCHEDULED attempts follow the retry schedule; MANUAL (redeliver) and TEST ones a person asked for. */
export const attemptTriggers = ['SCHEDULED', 'MANUAL', 'TEST'] as const;
export type AttemptTrigger = (typeof attemptTriggers)[number];

/** Statuses whose schedule still has an attempt to come. */
export const openStatuses = ['PENDING', 'RETRYING'] as const satisfies readonly DeliveryStatus[];

export function isOpen(status: DeliveryStatus): boolean {
  return status === 'PENDING' || status === 'RETRYING';
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
