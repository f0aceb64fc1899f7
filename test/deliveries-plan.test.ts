import { CompiledQuery, createQueryId, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../src/store/dialect.ts';
import { deliveryRepository, type DeliveryFilter } from '../src/store/deliveries.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * Query.deliveries stays fast on a large table: on both engines, the page statement the
 * repository runs for each kind of filter reads an index (in id order, stopping at the page, or
 * just the few rows that match) and never sorts or scans the tenant's whole table. The plans are read from the engine
 * itself (EXPLAIN) over a table seeded with many deliveries of two tenants, and printed.
 */

const ROWS = 40_000;
let gw: TestApp;
let tenantId: string;
const webhookId = 'wh_plan_07';

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  await gw.keyFor(['ADMIN'], 'plan-other');
  tenantId = (await gw.data(graphql(`query PlanViewer { viewer { tenantId } }`))).viewer.tenantId;
  const other = (await gw.app.db.selectFrom('tenants').select('id').where('name', '=', 'plan-other').executeTakeFirstOrThrow()).id;
  const db = gw.app.db;
  // Every third row is the other tenant's; 50 webhooks, 1% FAILED, four topics.
  const tenantOf = sql`case when i % 3 = 0 then ${other} else ${tenantId} end`;
  const rows =
    engineOf(db) === 'postgres'
      ? sql`select i from generate_series(1, ${ROWS}) as s(i)`
      : sql`select i from (with recursive s(i) as (select 1 union all select i + 1 from s where i < ${ROWS}) select i from s)`;
  const pad = (expression: string, width: number) =>
    sql.raw(engineOf(db) === 'postgres' ? `lpad((${expression})::text, ${width}, '0')` : `printf('%0${width}d', ${expression})`);
  await sql`insert into events (id, tenant_id, topic, payload, channel_type, echo, idempotency_key, delivery_count, created_at)
    select 'evt_' || ${pad('i', 26)}, ${tenantOf}, 'topic.' || (i % 4), '{}', null, 0, null, 1, i from (${rows}) as r`.execute(db);
  await sql`insert into deliveries (id, tenant_id, event_id, webhook_id, status, attempt_count, next_attempt_at, next_trigger, locked_until, locked_by, created_at, updated_at)
    select 'dlv_' || ${pad('i', 26)}, ${tenantOf}, 'evt_' || ${pad('i', 26)}, 'wh_plan_' || ${pad('i % 50', 2)},
      case when i % 100 = 0 then 'FAILED' else 'SUCCEEDED' end, 1, null, null, null, null, i, i from (${rows}) as r`.execute(db);
  await sql`analyze`.execute(db);
}, 120_000);
afterAll(() => gw.close());

/** The SQL the repository sends for one page of Query.deliveries with this filter. */
async function pageStatement(filter: DeliveryFilter): Promise<CompiledQuery> {
  const seen: RootOperationNode[] = [];
  const spy: KyselyPlugin = {
    transformQuery: ({ node }) => {
      seen.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  await deliveryRepository(gw.app.db.withPlugin(spy)).page(tenantId, filter, { first: 20 });
  return gw.app.db.getExecutor().compileQuery(seen[0]!, createQueryId());
}

async function plan(statement: CompiledQuery): Promise<string> {
  const postgres = engineOf(gw.app.db) === 'postgres';
  const { rows } = await gw.app.db.executeQuery(
    CompiledQuery.raw(`${postgres ? 'explain' : 'explain query plan'} ${statement.sql}`, [...statement.parameters]),
  );
  return rows
    .map((row) =>
      Object.values(row as Record<string, unknown>)
        .filter((value) => typeof value === 'string')
        .join(' '),
    )
    .join('\n');
}

describe('Query.deliveries on a large table', () => {
  const filters: [string, DeliveryFilter][] = [
    ['no filter', {}],
    ['status', { status: 'FAILED' }],
    ['webhook', { webhookId }],
    ['webhook and status', { webhookId, status: 'FAILED' }],
    ['time window', { since: 1, until: 2 }],
    ['topic', { topic: 'topic.1' }],
  ];
  it.each(filters)('pages through an index, without scanning the table: %s', async (label, filter) => {
    const text = await plan(await pageStatement(filter));
    console.log(`deliveries page plan (${engineOf(gw.app.db)}, ${label}):\n${text}`);
    if (engineOf(gw.app.db) === 'postgres') {
      // An index scan in id order, or (when few rows match) a bitmap scan of an index and a sort of just those.
      expect(text).toMatch(/Index (Only )?Scan (Backward )?using deliveries_\w+ on deliveries|Bitmap Index Scan on deliveries_\w+/);
      expect(text).not.toMatch(/Seq Scan on deliveries/);
    } else {
      expect(text).toMatch(/(SEARCH|SCAN) deliveries USING (COVERING )?INDEX deliveries_\w+/);
      expect(text).not.toMatch(/TEMP B-TREE|SCAN deliveries\s*$/m);
    }
  });
});
