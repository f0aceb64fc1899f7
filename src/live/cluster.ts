import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { LiveFeed } from './feed.ts';
import { attemptRepository } from '../store/attempts.ts';
import type { AttemptRow, Db, DeliveryRow, EventRow } from '../store/db.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { createPgSignals, type PgSignals, type Signal } from './pg-signals.ts';

/** Carries what was committed to the other instances on the same database (pg-signals.ts). */
export type Relay = (committed: {
  attempts: readonly AttemptRow[];
  deliveries: readonly DeliveryRow[];
  events: readonly EventRow[];
  dueNow: boolean;
}) => void;

export type ClusterDeps = {
  url: string;
  db: Db;
  instanceId: string;
  logger: Logger;
  /** Where the rows another instance committed go, as this instance's own do. */
  feed: Pick<LiveFeed, 'committed'>;
  /** Deliveries became due on another instance. */
  wake: () => void;
  /** A key was revoked on another instance. */
  revokeKey: (keyId: string) => void;
};

/**
 * Several instances on one Postgres as one gateway for what is not in the database's rows:
 * a publish on A wakes B's worker, an attempt B records reaches A's subscribers, a key revoked
 * on A ends its subscriptions on B. Over LISTEN/NOTIFY; every signal is a hint the polls and
 * reads would catch up with anyway, except live updates, which a listener that was away misses.
 */
export function createCluster({ url, db, instanceId, logger, feed, wake, revokeKey }: ClusterDeps) {
  const attempts = attemptRepository(db);
  const deliveries = deliveryRepository(db);
  const events = eventRepository(db);

  async function onSignal(signal: Signal) {
    switch (signal.kind) {
      case 'wake':
        return wake();
      case 'revoke':
        return revokeKey(signal.keyId);
      case 'committed': {
        // Rows are read back by id and published in the order they were committed (ids are ULIDs).
        // eventIds is absent in signals from an instance that predates gatewayEvents.
        const [attemptRows, deliveryRows, eventRows] = await Promise.all([
          attempts.findByIds(signal.tenantId, signal.attemptIds),
          deliveries.findByIds(signal.tenantId, signal.deliveryIds),
          events.findByIds(signal.tenantId, signal.eventIds ?? []),
        ]);
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        return feed.committed({ attempts: attemptRows.sort(byId), deliveries: deliveryRows, events: eventRows.sort(byId) });
      }
    }
  }

  const owner = `${instanceId}#${randomBytes(4).toString('hex')}`;
  const signals = createPgSignals({ url, db, owner, logger, onSignal });

  const relay = relayOver(signals);

  return {
    start: () => signals.start(),
    /** This process on the signal channel: its delivery threads send under it, so it never hears its own. */
    owner,
    relay,
    revoked: (keyId: string) => void signals.send([{ kind: 'revoke', keyId }]),
    get listening() {
      return signals.listening;
    },
    stop: () => signals.stop(),
  };
}

export type Cluster = ReturnType<typeof createCluster>;

/** What was committed, as signals to the other instances: row ids per tenant, and a wake when something is due now. */
export function relayOver(signals: Pick<PgSignals, 'send'>): Relay {
  return ({ attempts: committedAttempts, deliveries: committedDeliveries, events: committedEvents, dueNow }) => {
    const byTenant = new Map<string, { attemptIds: string[]; deliveryIds: string[]; eventIds: string[] }>();
    const of = (tenantId: string) =>
      byTenant.get(tenantId) ?? byTenant.set(tenantId, { attemptIds: [], deliveryIds: [], eventIds: [] }).get(tenantId)!;
    for (const row of committedAttempts) of(row.tenant_id).attemptIds.push(row.id);
    for (const row of committedDeliveries) of(row.tenant_id).deliveryIds.push(row.id);
    for (const row of committedEvents) of(row.tenant_id).eventIds.push(row.id);
    const out: Signal[] = [...byTenant].map(([tenantId, ids]) => ({ kind: 'committed', tenantId, ...ids }));
    if (dueNow) out.push({ kind: 'wake' });
    void signals.send(out);
  };
}
