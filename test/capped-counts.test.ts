import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { CreateWebhook } from './helpers/documents.ts';

/*
 * Counts that grow with a tenant's data (connections' totalCount, a paused webhook's held count)
 * stop at 10,000: each is one statement reading at most 10,001 index entries, however many rows
 * match, and says when it stopped.
 */

const SEEDED = 30_000;
let gw: TestApp;
let webhookId: string;

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  const created = await gw.data(CreateWebhook, { input: { url: 'https://example.com/hook', topics: ['message.*'] } });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('createWebhook failed');
  webhookId = created.createWebhook.webhook.id;
  await sql`update webhooks set paused_at = ${Date.now()} where id = ${webhookId}`.execute(gw.app.db);
  // Ids of one width so their order is their age, as minted ids' order is (domain/ids.ts).
  await sql`
    insert into events (id, tenant_id, topic, payload, channel_type, echo, idempotency_key, ordering_key, delivery_count, created_at)
    with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${SEEDED})
    select 'evt_' || (10000000 + n), ${gw.tenantId}, 'message.created', '{}', null, 0, null, null, 1, 1000000 + n from seq`.execute(
    gw.app.db,
  );
  await sql`
    insert into deliveries (id, tenant_id, event_id, webhook_id, status, attempt_count, next_attempt_at, next_trigger, failure_reason, ordering_key, ordering_seq, locked_until, locked_by, created_at, updated_at)
    with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${SEEDED})
    select 'dlv_' || (10000000 + n), ${gw.tenantId}, 'evt_' || (10000000 + n), ${webhookId}, 'PENDING', 0, null, null, null, null, null, null, null, 1000000 + n, 1000000 + n from seq`.execute(
    gw.app.db,
  );
}, 60_000);
afterAll(() => gw?.close());

async function query(text: string, variables: Record<string, unknown>) {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': gw.adminKey },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

describe(`counts stop at 10,000 (${SEEDED.toLocaleString('en')} deliveries seeded)`, () => {
  it('totalCount of every connection, and whether it stopped', async () => {
    const { data, errors } = await query(
      `query ($id: ID!) {
        webhook(id: $id) { deliveries(first: 1) { totalCount totalCountCapped } pending: deliveries(first: 1, status: PENDING) { totalCount totalCountCapped } }
        deliveries(first: 1, filter: { webhookId: $id }) { totalCount totalCountCapped }
        events(first: 1) { totalCount totalCountCapped }
        webhooks(first: 1) { totalCount totalCountCapped }
      }`,
      { id: webhookId },
    );
    expect(errors).toBeUndefined();
    const capped = { totalCount: 10_000, totalCountCapped: true };
    expect(data).toEqual({
      webhook: { deliveries: capped, pending: capped },
      deliveries: capped,
      events: capped,
      webhooks: { totalCount: 1, totalCountCapped: false },
    });
  });

  it("a paused webhook's held count, and its oldest held delivery found without reading the others", async () => {
    const { data, errors } = await query(`query ($id: ID!) { webhook(id: $id) { held { count countCapped oldestAt } } }`, {
      id: webhookId,
    });
    expect(errors).toBeUndefined();
    expect(data!.webhook.held).toEqual({ count: 10_000, countCapped: true, oldestAt: new Date(1_000_001).toISOString() });
  });

  it('15 aliased totalCounts are 15 statements of at most 10,001 rows each', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: deliveries(first: 1, filter: { webhookId: $id }) { totalCount }`).join(
      ' ',
    );
    const { data, errors } = await query(`query ($id: ID!) { ${aliases} }`, { id: webhookId });
    expect(errors).toBeUndefined();
    expect(Object.values(data!).every((connection) => connection.totalCount === 10_000)).toBe(true);
  });
});
