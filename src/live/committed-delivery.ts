import type { AttemptRow, DeliveryRow } from '../store/db.ts';

/*
 * A live attempt's delivery as the same transaction committed it. A subscriber selecting
 * `delivery { … }` (the monitor's feed does) is answered from this row instead of a lookup per
 * attempt, which at a thousand attempts a second queued behind every request for the database;
 * and it shows the delivery as that attempt left it. Attempts read from the database have none,
 * and are looked up as before.
 */
const deliveries = new WeakMap<AttemptRow, DeliveryRow>();

/** Pairs each attempt with its delivery among the rows one commit wrote. */
export function rememberCommittedDeliveries(attempts: readonly AttemptRow[], written: readonly DeliveryRow[]): void {
  if (attempts.length === 0) return;
  const byId = new Map(written.map((delivery) => [delivery.id, delivery]));
  for (const attempt of attempts) {
    const delivery = byId.get(attempt.delivery_id);
    if (delivery) deliveries.set(attempt, delivery);
  }
}

export function committedDeliveryOf(attempt: AttemptRow): DeliveryRow | undefined {
  return deliveries.get(attempt);
}
