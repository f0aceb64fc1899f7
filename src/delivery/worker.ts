import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';
import type { AfterCommit } from './after-commit.ts';
import { createClaimer, type Claimed } from './claimer.ts';
import { LocalResourceError } from './attempt-error.ts';
import type { AttemptResult, DeliveryDispatcher } from './dispatcher.ts';
import { canSend } from './outcome.ts';
import { createHoldCaps } from './hold-caps.ts';
import { createPruner } from './pruner.ts';
import { createLineSweep } from './line-sweep.ts';
import { createRecorder } from './recorder.ts';
import { buildRequest } from './request.ts';
import type { StageTrace } from './stage-trace.ts';

import type { SecretBox } from '../store/secret-box.ts';
/*
 * The delivery loop: claim (claimer.ts) -> sign and send (request.ts, dispatcher.ts) -> record
 * and announce (recorder.ts, outcome.ts, services/announcer.ts); pruning (pruner.ts) on the way. This
 * file only decides when to look at the queue and how many attempts run at once.
 */

type WorkerDeps = {
  db: Db;
  /** Seals and opens webhooks' credentials in this database (store/secret-box.ts). */
  secrets: SecretBox;
  /** The database's webhooks as this thread keeps them (store/webhook-cache.ts). */
  webhookCache: WebhookCache;
  clock: Clock;
  dispatcher: DeliveryDispatcher;
  announcer: AfterCommit;
  logger: Logger;
  config: Config['delivery'];
  /** Where this thread counts the stages of its deliveries (stage-trace.ts). */
  stages: StageTrace;
  /** Jitter source; tests pin it. */
  random?: () => number;
};

// Looks at the queue at least this often, to pick up retries and leases that ran out.
const POLL_MS = 1_000;

// A delivery no attempt could be made for (this process out of descriptors or memory) is due
// again after this: soon, but not at once, so a process out of descriptors does not spin.
const LOCAL_RESOURCE_RETRY_MS = 5_000;

export function createWorker(deps: WorkerDeps) {
  const { clock, dispatcher, logger, config, stages } = deps;
  const claimer = createClaimer(deps);
  const recorder = createRecorder({
    db: deps.db,
    secrets: deps.secrets,
    webhookCache: deps.webhookCache,
    announcer: deps.announcer,
    stages,
    logger,
    autoDisableAfter: config.autoDisableAfterFailures,
    random: deps.random ?? Math.random,
  });
  const pruner = createPruner(deps);
  const holdCaps = createHoldCaps(deps);
  const lineSweep = createLineSweep(deps);
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  // Set when shutdown gives up on attempts in flight: their results are not recorded, their leases bring them back.
  let abandoned = false;

  /** Sends one claimed delivery (or not, when it can no longer be sent) and hands the result to the recorder. */
  async function deliver(claimed: Claimed) {
    const trigger = claimed.delivery.next_trigger ?? 'SCHEDULED';
    const { webhook, event, delivery } = claimed;
    if (!canSend(webhook, trigger)) {
      return recorder.record({ claimed, trigger, finishedAt: clock.now(), attempt: null });
    }
    const launched = performance.now();
    const startedAt = clock.now();
    // Due since the later of its creation and its scheduled attempt (a retry, a delay).
    stages.observe('handoff', 'claimed', (startedAt - Math.max(delivery.next_attempt_at ?? 0, delivery.created_at)) / 1000);
    const request = buildRequest(webhook, event, startedAt);
    let result: AttemptResult;
    // dispatcher.send calls undici's request() before its first await: this is the request's start.
    const requested = performance.now();
    stages.observe('request_start', 'claimed', (requested - launched) / 1000);
    try {
      result = await dispatcher.send(request);
    } catch (error) {
      if (!(error instanceof LocalResourceError)) throw error;
      if (abandoned) return;
      // Not the receiver's failure: nothing recorded, nothing counted toward auto-disable.
      logger.warn(
        { deliveryId: claimed.delivery.id, code: error.code },
        'delivery put back: no attempt could be made for want of local resources',
      );
      return claimer.putBack(claimed, clock.now() + LOCAL_RESOURCE_RETRY_MS);
    }
    if (abandoned) return;
    const responded = performance.now();
    stages.observe('response', 'claimed', (responded - requested) / 1000);
    await recorder.record({
      claimed,
      trigger,
      finishedAt: clock.now(),
      attempt: { url: request.url, headers: request.headers, startedAt, result, responded },
    });
  }

  function launch(claimed: Claimed) {
    const task = deliver(claimed)
      .catch((error: unknown) => {
        // The lease brings the delivery back; nothing is lost.
        logger.error({ err: error, deliveryId: claimed.delivery.id }, 'delivery attempt could not be recorded');
      })
      .finally(() => {
        inFlight.delete(task);
        pumpSoon();
      });
    inFlight.add(task);
  }

  /** Claims until the queue has nothing due or every slot is busy; one round at a time. */
  function pump(force = false): Promise<void> {
    if (!running && !force) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        await pruner.pruneIfDue();
        await holdCaps.enforceIfDue();
        await lineSweep.sweepIfDue();
        do {
          again = false;
          const room = config.concurrency - inFlight.size;
          if (room <= 0) break;
          const claimed = await claimer.claim(room);
          for (const item of claimed) launch(item);
          if (claimed.length === room) again = true;
        } while (again && (running || force));
      } catch (error) {
        logger.error({ err: error }, 'delivery worker could not claim deliveries');
      } finally {
        pumping = null;
      }
      schedule();
    })();
    return pumping;
  }

  // Attempts recorded together, and publishes in a burst, free slots or add work in the same
  // turn: one claim round after them all, not one per attempt.
  let pumpQueued = false;
  function pumpSoon() {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      void pump();
    });
  }

  function schedule() {
    clearTimeout(timer);
    if (!running) return;
    // Sooner than the poll when a rate-capped webhook gets room back before it.
    const roomAt = claimer.nextRoomAt();
    const delay = roomAt === null ? POLL_MS : Math.min(POLL_MS, Math.max(5, roomAt - clock.now()));
    timer = setTimeout(() => void pump(), delay);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      void pump();
    },

    /** Something became due now (a publish, a redeliver): look at once instead of at the next poll. */
    wake() {
      pumpSoon();
    },

    /**
     * Claims and sends until nothing is due and nothing is in flight, whether or not the worker
     * was started: tests that drive the clock call it after each step.
     */
    async settle(): Promise<void> {
      for (;;) {
        await pump(true);
        await Promise.allSettled([...inFlight]);
        if (inFlight.size > 0 || pumping) continue;
        if (!(await claimer.anyDue())) return;
      }
    },

    get inFlight() {
      return inFlight.size;
    },

    /** Stops claiming, then waits for attempts in flight up to `graceMs`; what is left comes back after its lease. */
    async stop(graceMs: number): Promise<{ unfinished: number }> {
      running = false;
      clearTimeout(timer);
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, graceMs);
      });
      const drained = (async () => {
        // A claim under way launches its attempts after this point: wait for it, then for them.
        if (pumping) await pumping;
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      await Promise.race([drained, expired]);
      clearTimeout(deadline);
      return { unfinished: inFlight.size };
    },

    /** After stop (and abandon): this instance lets go of its leases, so other instances take what is left at once. */
    retire(): Promise<void> {
      return claimer.retire();
    },

    /** After stop: what is still in flight will not be recorded. Resolves once those attempts have ended. */
    async abandon(): Promise<void> {
      abandoned = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
