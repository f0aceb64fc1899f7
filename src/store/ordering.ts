import { sql, type Transaction } from 'kysely';
import { openStatuses, scheduledStatuses } from '../domain/delivery-lifecycle.ts';
import type { Database, DeliveryRow, Executor } from './db.ts';
import { lockName } from './dialect.ts';

/*
 * Ordering keys. The open deliveries of one key to one webhook form a line, ordered by
 * `ordering_seq`: only the first has an attempt scheduled (PENDING or RETRYING); the rest are
 * WAITING with none. When the first ends, the next is given its attempt. One key's line never
 * holds up another key or another webhook.
 *
 * The line's order is the order in which publishes took the (webhook, key) lock, not ids or
 * clocks, so it holds across instances whose clocks disagree. Every change to a line takes that
 * lock, always in webhook order within a transaction (a recorder's batch is sorted the same way),
 * so a publish that saw a line's first delivery open cannot queue behind it while it ends unseen.
 */

/** One key's line to one webhook. */
type Line = { webhookId: string; key: string };

const lineOf = (row: Pick<DeliveryRow, 'webhook_id' | 'ordering_key'>) => `${row.webhook_id}\u0001${row.ordering_key}`;

const lineLock = (trx: Transaction<Database>, line: Line) => lockName(trx, 'ordering-key', line.webhookId, line.key);

export function orderingRepository(trx: Transaction<Database>) {
  /** The line's open deliveries' highest place and whether one of them is scheduled, per webhook. */
  async function openLines(webhookIds: readonly string[], key: string) {
    const rows = await trx
      .selectFrom('deliveries')
      .select((eb) => ['webhook_id', eb.fn.max('ordering_seq').as('last')])
      .where('webhook_id', 'in', webhookIds)
      .where('ordering_key', '=', key)
      .where('status', 'in', openStatuses)
      .groupBy('webhook_id')
      .execute();
    return new Map(rows.map((row) => [row.webhook_id, Number(row.last)]));
  }

  return {
    /**
     * Places new deliveries of keyed events at the end of their lines, in the order given: the
     * first of an empty line stays as it is (its attempt scheduled), every other one WAITING.
     */
    async place(rows: DeliveryRow[]): Promise<DeliveryRow[]> {
      const keyed = rows.filter((row) => row.ordering_key);
      if (keyed.length === 0) return rows;
      const webhookIds = [...new Set(keyed.map((row) => row.webhook_id))].sort();
      const keys = [...new Set(keyed.map((row) => row.ordering_key!))].sort();
      for (const webhookId of webhookIds) for (const key of keys) await lineLock(trx, { webhookId, key });
      const last = new Map<string, number>();
      for (const key of keys) {
        for (const [webhookId, seq] of await openLines(webhookIds, key))
          last.set(lineOf({ webhook_id: webhookId, ordering_key: key }), seq);
      }
      return rows.map((row) => {
        if (!row.ordering_key) return row;
        const line = lineOf(row);
        const before = last.get(line);
        const seq = before === undefined ? 0 : before + 1;
        last.set(line, seq);
        return before === undefined
          ? { ...row, ordering_seq: seq }
          : { ...row, ordering_seq: seq, status: 'WAITING' as const, next_attempt_at: null };
      });
    },

    /**
     * A delivery of this line ended: when none of the line is scheduled any more, the first
     * WAITING one gets its attempt now. Returns the delivery it moved, if any.
     */
    async advance(line: Line, now: number): Promise<DeliveryRow | undefined> {
      await lineLock(trx, line);
      const inLine = (statuses: readonly string[]) =>
        trx
          .selectFrom('deliveries')
          .where('webhook_id', '=', line.webhookId)
          .where('ordering_key', '=', line.key)
          .where('status', 'in', statuses as (typeof openStatuses)[number][]);
      if (await inLine(scheduledStatuses).select('id').limit(1).executeTakeFirst()) return undefined;
      const next = await inLine(['WAITING']).select('id').orderBy('ordering_seq').limit(1).executeTakeFirst();
      if (!next) return undefined;
      return trx
        .updateTable('deliveries')
        .set({ status: 'PENDING', next_attempt_at: now, updated_at: now })
        .where('id', '=', next.id)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

/**
 * Lines whose first delivery ended without the next being moved on: a publish that raced the
 * disabling of its webhook, or a hold cap failing part of a line. Moved on by a periodic sweep.
 */
async function strandedLines(db: Executor): Promise<Line[]> {
  return (
    db
      .selectFrom('deliveries as waiting')
      .select(['waiting.webhook_id as webhookId', 'waiting.ordering_key as key'])
      // A literal, so both engines see the deliveries_waiting index's own predicate.
      .where('waiting.status', '=', sql.lit('WAITING'))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('deliveries as first')
              .select('first.id')
              .whereRef('first.webhook_id', '=', 'waiting.webhook_id')
              .whereRef('first.ordering_key', '=', 'waiting.ordering_key')
              .where('first.status', 'in', scheduledStatuses),
          ),
        ),
      )
      .groupBy(['waiting.webhook_id', 'waiting.ordering_key'])
      .$narrowType<{ key: string }>()
      .execute()
  );
}

/** The scheduled delivery each WAITING one waits for (the first of its line), by the waiting one's id. */
async function firstsOfLines(db: Executor, tenantId: string, waiting: readonly DeliveryRow[]): Promise<Map<string, DeliveryRow>> {
  const keyed = waiting.filter((row) => row.status === 'WAITING' && row.ordering_key);
  if (keyed.length === 0) return new Map();
  const firsts = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', 'in', [...new Set(keyed.map((row) => row.webhook_id))])
    .where('ordering_key', 'in', [...new Set(keyed.map((row) => row.ordering_key!))])
    .where('status', 'in', scheduledStatuses)
    .orderBy('ordering_seq')
    .execute();
  const byLine = new Map<string, DeliveryRow>();
  for (const first of firsts) {
    if (!byLine.has(lineOf(first))) byLine.set(lineOf(first), first);
  }
  const out = new Map<string, DeliveryRow>();
  for (const row of keyed) {
    const first = byLine.get(lineOf(row));
    if (first) out.set(row.id, first);
  }
  return out;
}

/** Reads of the lines, outside any transaction: what a WAITING delivery waits for, and the sweep's find. */
export function orderingReads(db: Executor) {
  return {
    strandedLines: () => strandedLines(db),
    firstsOfLines: (tenantId: string, waiting: readonly DeliveryRow[]) => firstsOfLines(db, tenantId, waiting),
  };
}
