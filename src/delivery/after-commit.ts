import type { AttemptRow, DeliveryRow } from '../store/db.ts';

/** What one transaction wrote, handed on only after it committed. */
export type Committed = {
  attempts?: readonly AttemptRow[];
  deliveries?: readonly DeliveryRow[];
  /** Deliveries it did not write became due now (a webhook resumed): wake the workers. */
  released?: boolean;
};

/**
 * Whoever tells subscribers and wakes the worker after a commit (services/announcer.ts). The
 * engine sees only this, so it needs nothing of the live layer above it.
 */
export type AfterCommit = { committed(rows: Committed): void };
