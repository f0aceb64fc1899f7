import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { getOperationAST, Kind, parse } from 'graphql';
import { operationCost } from '../src/graphql/complexity.ts';
import { schema } from '../src/graphql/schema.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * What a query costs reflects the SQL it runs, and the heaviest query the limits allow does not
 * keep the one thread from anyone else.
 */

const raw = rawGatewayForFile();
const post = raw.post;

function costOf(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  return operationCost(schema, getOperationAST(document)!, fragments, variables);
}

describe('cost reflects the work', () => {
  it('prices each kind of field by the statements it runs', () => {
    // A connection: one statement (10) plus its page of rows; nodes' fields once per row.
    expect(costOf('{ webhooks(first: 5) { nodes { id } } }')).toBe(10 + 5 + 1 + 5 * 1);
    // The page size from a variable, and the default page (20) without one.
    expect(costOf('query ($n: Int) { webhooks(first: $n) { nodes { id } } }', { n: 50 })).toBe(10 + 50 + 1 + 50);
    expect(costOf('{ webhooks { nodes { id } } }')).toBe(10 + 20 + 1 + 20);
    // totalCount: one count per connection, not one per row of its page.
    expect(costOf('{ webhooks(first: 100) { totalCount } }')).toBe(10 + 100 + 100);
    // A nested connection runs its statements once per parent row.
    expect(costOf('{ webhooks(first: 10) { nodes { deliveries(first: 2) { totalCount } } } }')).toBe(10 + 10 + 1 + 10 * (10 + 2 + 100));
    // stats: two statements and 1,000 rows sorted, per webhook.
    expect(costOf('{ webhooks(first: 10) { nodes { stats { attempts } } } }')).toBe(10 + 10 + 1 + 10 * (220 + 1));
    // Lookups by id run a statement each; fields loaded by dataloader batches cost 1 per row.
    expect(costOf('{ delivery(id: "x") { webhook { id } event { id } attempts { id } } }')).toBe(10 + (1 + 1) + (1 + 1) + (1 + 10 * 1));
    // activity: two statements and up to 5,000 durations, plus its minutes at their real number.
    expect(costOf('{ webhook(id: "x") { activity { minutes { attempts } } } }')).toBe(10 + 1020 + 1 + 60 * 1);
    expect(costOf('{ webhook(id: "x") { activity(minutes: 1440) { minutes { attempts avgDurationMs } } } }')).toBe(
      10 + 1020 + 1 + 1440 * 2,
    );
    expect(costOf('query ($m: Int) { webhook(id: "x") { activity(minutes: $m) { minutes { attempts } } } }', { m: 100_000 })).toBe(
      10 + 1020 + 1 + 1440,
    );
    expect(costOf('{ webhook(id: "x") { activity(minutes: 5) { ... on WebhookActivity { minutes { attempts } } } } }')).toBe(
      10 + 1020 + 1 + 5,
    );
    // A page of webhooks with a day of activity each is refused before it runs.
    expect(costOf('{ webhooks(first: 20) { nodes { activity(minutes: 1440) { minutes { attempts maxDurationMs } } } } }')).toBeGreaterThan(
      50_000,
    );
    // Fragments count like the fields they hold.
    expect(costOf('{ webhook(id: "x") { ...W } } fragment W on Webhook { stats { attempts } }')).toBe(10 + 221);
    expect(costOf('{ webhook(id: "x") { ... on Webhook { stats { attempts } } } }')).toBe(10 + 221);
  });

  it('the 1,000-alias query without aliases still costs what its stats queries do', async () => {
    // 100 webhooks x stats is within budget; 3 pages of them with stats are not.
    const page = (name: string) => `${name}: webhooks(first: 100) { nodes { id stats { attempts p50DurationMs p99DurationMs } } }`;
    const fits = await post(`query { ${page('a')} }`);
    expect(fits.body.errors).toBeUndefined();
    const { body } = await post(`query { ${['a', 'b', 'c'].map(page).join(' ')} }`);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Query would cost \d+; at most 50000/),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('while the heaviest allowed query runs, /healthz and another tenant answer first', async () => {
    // Seed 100 webhooks with 2,000 attempts each, so every stats field reads real rows.
    const tenantId = ((await post('{ viewer { tenantId } }')).body.data!.viewer as { tenantId: string }).tenantId;
    await post(`mutation { createWebhook(input: { url: "http://127.0.0.1:9/template", topics: ["workflow.*"] }) { __typename } }`);
    const sqlite = new SQLite(raw.gateway.databasePath);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = OFF');
    const template = sqlite.prepare('select * from webhooks where tenant_id = ? limit 1').get(tenantId) as
      | Record<string, unknown>
      | undefined;
    expect(template).toBeDefined();
    const columns = Object.keys(template!);
    const insertWebhook = sqlite.prepare(`insert into webhooks (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
    const insertAttempt = sqlite.prepare(
      `insert into delivery_attempts (id, tenant_id, delivery_id, webhook_id, event_id, attempt_number, trigger, outcome, url, response_status, response_body, error, duration_ms, started_at, finished_at, next_attempt_at)
       values (?, ?, ?, ?, 'evt_seed', 1, 'SCHEDULED', 'SUCCEEDED', 'http://127.0.0.1:9/hook', 200, null, null, ?, ?, ?, null)`,
    );
    // Recent, as real attempts are: ones dated 1970 are past retention, and the delivery thread's
    // first prune (whenever it starts) would delete them under the heavy query.
    const seededAt = Date.now();
    sqlite.transaction(() => {
      for (let w = 0; w < 100; w++) {
        const id = `wh_seed${String(w).padStart(22, '0')}`;
        insertWebhook.run({ ...template, id, url: `http://127.0.0.1:9/seed/${w}` });
        for (let a = 0; a < 2_000; a++)
          insertAttempt.run(
            `att_${id}_${String(a).padStart(6, '0')}`,
            tenantId,
            `dlv_seed_${w}_${a}`,
            id,
            (a * 7) % 1000,
            seededAt,
            seededAt,
          );
      }
    })();
    sqlite.close();
    const otherKey = await raw.gateway.keyForTenant('other', 'WEBHOOKS_READ');

    // The heaviest read the limits allow: as many pages of webhooks with stats as the budget admits.
    const page = (name: string) => `${name}: webhooks(first: 100) { nodes { id stats { attempts p50DurationMs p99DurationMs } } }`;
    const heaviest = `query { ${['a', 'b'].map(page).join(' ')} }`;
    const order: string[] = [];
    const heavy = post(heaviest).then((result) => {
      order.push('heavy');
      return result;
    });
    // Sent one after another while the heavy query runs: each must be answered before it ends.
    let healthy = 0;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(raw.gateway.url.replace(/\/graphql$/, '/healthz'));
      expect(response.status).toBe(200);
      healthy++;
      order.push(`healthz ${healthy}`);
    }
    const other = await post('{ webhooks(first: 10) { totalCount nodes { id } } }', undefined, otherKey);
    expect(other.body.errors).toBeUndefined();
    order.push('other tenant');
    const { body } = await heavy;
    expect(body.errors).toBeUndefined();
    expect(order.at(-1)).toBe('heavy');
  }, 60_000);
});

it('logs none of these refusals at error level', () => {
  expect(raw.gateway.errorLogLines()).toEqual([]);
});
