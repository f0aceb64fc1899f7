import type { AttemptRow, DeliveryRow, EventRow } from '../store/db.ts';

/** What one transaction wrote, handed on only after it committed. */
export type Committed = {
  attempts?: readonly AttemptRow[];
  deliveries?: readonly DeliveryRow[];
  /** Events it stored; the gateway's own (gateway.*) go to gatewayEvents subscribers. */
  events?: readonly EventRow[];
  /** Deliveries it did not write became due now (a webhook resumed): wake the workers. */
  released?: boolean;
};

/**
 * Whoever tells subscribers and wakes the worker after a commit (services/announcer.ts). The
 * engine sees only this, so it needs nothing of the live layer above it.
 */
export type AfterCommit = { committed(rows: Committed): void };
