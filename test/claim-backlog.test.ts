import { CompiledQuery, createQueryId, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../src/store/dialect.ts';
import { leaseRepository } from '../src/store/leases.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * Issue 26 item 3, "claims stay indexed": a claim's work grows with the webhooks that have open
 * deliveries, never with one webhook's backlog. Webhook A has 20,000 due deliveries and already
 * holds its cap of leases; webhook B has one. The claim must lease B's at once, and reach A's rows
 * only by a seek on (webhook_id, next_attempt_at): on SQLite every read of `deliveries` in its
 * plan searches by webhook or by id, never along next_attempt_at alone (the old claim walked A's
 * 20,000 rows in time order on every claim, holding the write lock); on Postgres EXPLAIN ANALYZE
 * counts the rows it read, which must stay far below the backlog.
 */

const BACKLOG = 20_000;
const CAP = 8;
const OWNER = 'claim-backlog-holder';
let gw: TestApp;
const postgres = () => engineOf(gw.app.db) === 'postgres';

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  const db = gw.app.db;
  const tenantId = (await db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
  const now = Date.now();
  await db
    .insertInto('instances')
    .values({
      owner: OWNER,
      instance_id: OWNER,
      started_at: now,
      heartbeat_at: postgres() ? sql`(extract(epoch from clock_timestamp()) * 1000)::bigint` : now,
    })
    .execute();
  const rows = postgres()
    ? sql`select i from generate_series(1, ${BACKLOG + 1}) as s(i)`
    : sql`select i from (with recursive s(i) as (select 1 union all select i + 1 from s where i < ${BACKLOG + 1}) select i from s)`;
  const pad = sql.raw(postgres() ? `lpad(i::text, 8, '0')` : `printf('%08d', i)`);
  await sql`insert into events (id, tenant_id, topic, payload, channel_type, echo, idempotency_key, delivery_count, created_at)
    select 'evt_' || ${pad}, ${tenantId}, 'backlog.created', '{}', null, 0, null, 1, cast(${now - 60_000} as bigint) + i from (${rows}) as r`.execute(
    db,
  );
  // A's backlog, all due, the first CAP of it leased by a live holder; B's one delivery, due last.
  await sql`insert into deliveries (id, tenant_id, event_id, webhook_id, status, attempt_count, next_attempt_at, next_trigger, locked_until, locked_by, created_at, updated_at)
    select 'dlv_' || ${pad}, ${tenantId}, 'evt_' || ${pad},
      case when i > ${BACKLOG} then 'wh_b' else 'wh_a' end, 'PENDING', 0, cast(${now - 60_000} as bigint) + i, null,
      case when i <= ${CAP} then cast(${now + 600_000} as bigint) else null end, case when i <= ${CAP} then ${OWNER} else null end,
      cast(${now - 60_000} as bigint) + i, cast(${now - 60_000} as bigint) + i from (${rows}) as r`.execute(db);
  await sql`analyze`.execute(db);
}, 120_000);
afterAll(() => gw?.close());

/** The claim's statements as sent (a spy plugin), the claim's result, and its leasing statement. */
async function claimOnce() {
  const seen: RootOperationNode[] = [];
  const spy: KyselyPlugin = {
    transformQuery: ({ node }) => {
      seen.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const claimed = await leaseRepository(gw.app.db.withPlugin(spy)).claim({
    now: Date.now(),
    limit: 64,
    perWebhookCap: CAP,
    leaseMs: 60_000,
    owner: 'claim-backlog-claimer',
    deadAfterMs: 60_000,
  });
  const statements = seen.map((node) => gw.app.db.getExecutor().compileQuery(node, createQueryId()));
  const leasing = statements.find((statement) => /^with .*update "deliveries"/is.test(statement.sql));
  if (!leasing) throw new Error(`no leasing statement among: ${statements.map((s) => s.sql.slice(0, 60)).join(' | ')}`);
  return { claimed, leasing };
}

/** Reads a plan without keeping what EXPLAIN ANALYZE ran: inside a transaction rolled back. */
async function explain(statement: CompiledQuery): Promise<unknown[]> {
  const prefix = postgres() ? 'explain (analyze, format json)' : 'explain query plan';
  const query = CompiledQuery.raw(`${prefix} ${statement.sql}`, [...statement.parameters]);
  let rows: unknown[] = [];
  await gw.app.db
    .transaction()
    .execute(async (trx) => {
      rows = (await trx.executeQuery(query)).rows;
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return rows;
}
class RolledBack extends Error {}

type PlanNode = { 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };

/** Rows every node of a Postgres plan produced or filtered out, over all its loops. */
function rowsRead(node: PlanNode): number {
  const own = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}

describe('a claim beside a backlog at its cap', () => {
  it("leases the other webhook's delivery, reading the backlog only by per-webhook seeks", async () => {
    const { claimed, leasing } = await claimOnce();
    expect(claimed.map((delivery) => delivery.webhook_id)).toEqual(['wh_b']);
    // The same claim again, explained, on the rows as seeded.
    await gw.app.db
      .updateTable('deliveries')
      .set({ locked_until: null, locked_by: null })
      .where('locked_by', '=', 'claim-backlog-claimer')
      .execute();
    const rows = await explain(leasing);
    if (postgres()) {
      const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan;
      // A walk of A's backlog reads ~20,000 rows.
      expect(rowsRead(plan)).toBeLessThan(1_000);
    } else {
      const plan = rows.map((row) => String((row as { detail: string }).detail));
      const onDeliveries = plan.filter((line) => /\b(deliveries|picked)\b/.test(line));
      expect(onDeliveries.length).toBeGreaterThan(0);
      for (const line of onDeliveries)
        expect(line, plan.join('\n')).toMatch(
          /INDEX deliveries_webhook_due|INDEX deliveries_leased|PRIMARY KEY|sqlite_autoindex_deliveries/,
        );
    }
  });
});
