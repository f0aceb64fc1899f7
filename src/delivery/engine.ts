import type { Logger } from 'pino';
import type { DeliveryDispatcher } from './dispatcher.ts';
import type { Worker } from './worker.ts';

/** The delivery engine as the rest of the process sees it, on this thread or in worker threads. */
export type DeliveryEngine = {
  /** Resolves once the engine claims: a process that says it is up has its engine running. */
  start(): Promise<void>;
  /** Something became due now: look at once. */
  wake(): void;
  /** Stops claiming, lets attempts in flight finish for up to `graceMs`, and gives up its leases. */
  stop(graceMs: number): Promise<void>;
};

/**
 * The engine on the calling thread. Stopping: what is still in flight after the grace period is
 * abandoned (its leases bring it back to whoever claims next), then the leases go at once.
 */
export function engineOnThisThread({
  worker,
  dispatcher,
  logger,
}: {
  worker: Worker;
  dispatcher: DeliveryDispatcher;
  logger: Logger;
}): DeliveryEngine {
  return {
    start: async () => worker.start(),
    wake: () => worker.wake(),
    async stop(graceMs) {
      const { unfinished } = await worker.stop(graceMs);
      if (unfinished > 0) {
        logger.warn({ unfinished }, 'attempts still in flight at shutdown are left to the next claim');
        const ended = worker.abandon();
        await dispatcher.destroy();
        await ended;
      } else {
        await dispatcher.close();
      }
      await worker.retire();
    },
  };
}
