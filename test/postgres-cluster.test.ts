import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { openRawWs } from './helpers/raw-ws.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';
import { fakeClock } from './helpers/clock.ts';

/*
 * Two gateways on one Postgres database, as two instances behind a load balancer: A takes the
 * writes and holds the subscribers, B runs the only worker. What A's clients see of B's work
 * crosses between them over LISTEN/NOTIFY.
 */

const ClusterAttempts = graphql(`
  subscription ClusterAttempts($webhookId: ID) {
    deliveryAttempts(webhookId: $webhookId) { id attemptNumber outcome responseStatus delivery { id } }
  }
`);

const ClusterKeys = graphql(`
  query ClusterKeys {
    apiKeys { id prefix }
  }
`);

const ClusterRevoke = graphql(`
  mutation ClusterRevoke($id: ID!) {
    revokeApiKey(id: $id) { __typename }
  }
`);

let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  a = await startTestApp({ DATABASE_URL: database.url }, { startWorker: false });
  // On this thread: a test counts the wake-ups B's worker gets from A.
  b = await startTestApp({ DATABASE_URL: database.url, DELIVERY_WORKERS: '0' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await receiver?.close();
  await database?.drop();
});

async function hook(path: string) {
  const data = await a.data(CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['cluster.*'] } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function waitFor(condition: () => boolean, what: string) {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('two instances on one Postgres', () => {
  it("wakes the other instance's worker when a delivery is published here", async () => {
    await hook('/wake');
    let woken = 0;
    const wake = b.app.worker.wake;
    b.app.worker.wake = () => {
      woken++;
      wake();
    };
    const data = await a.data(PublishEvent, { input: { topic: 'cluster.wake', payload: { n: 1 } } });
    expect(data.publishEvent.__typename).toBe('PublishEventSuccess');
    await waitFor(() => woken > 0, "B's wake-up");
    await receiver.received(1);
    b.app.worker.wake = wake;
  });

  it('hands a subscriber on A every attempt B records, 4 KiB response bodies included (ids travel, rows are read)', async () => {
    const webhookId = await hook('/live');
    const body = 'x'.repeat(9_000);
    receiver.reply(() => ({ status: 200, body }));
    const { client } = wsClient(a.url, { apiKey: a.adminKey });
    const attempts = subscribe(client, ClusterAttempts, { webhookId });
    await waitFor(() => a.app.live.count() > 0, 'the subscription on A');
    const published: string[] = [];
    for (let n = 0; n < 20; n++) {
      const data = await a.data(PublishEvent, { input: { topic: 'cluster.live', payload: { n } } });
      if (data.publishEvent.__typename === 'PublishEventSuccess') published.push(data.publishEvent.event.id);
    }
    const seen = await attempts.take(20);
    expect(seen.map((result) => result.data?.deliveryAttempts.outcome)).toEqual(Array(20).fill('SUCCEEDED'));
    const ids = seen.map((result) => result.data!.deliveryAttempts.id);
    expect(new Set(ids).size).toBe(20);
    await client.dispose();
  });

  it('ends subscriptions on B when their key is revoked on A', async () => {
    const reader = await a.keyFor(['WEBHOOKS_READ']);
    const { client, closed } = wsClient(b.url, { apiKey: reader });
    const sub = subscribe(client, ClusterAttempts, {});
    await waitFor(() => b.app.live.count() > 0, 'the subscription on B');
    const id = (await a.data(ClusterKeys, {})).apiKeys.find((key) => reader.startsWith(key.prefix))!.id;
    await a.data(ClusterRevoke, { id });
    expect(await sub.ended).toMatchObject({ error: expect.anything() });
    expect((await closed).code).toBe(4401);
  });

  it('closes an idle socket on B (no subscription) when its key is revoked on A (issue 22)', async () => {
    const writer = await a.keyFor(['WEBHOOKS_READ', 'WEBHOOKS_WRITE']);
    const ws = await openRawWs(b.url);
    await ws.init({ apiKey: writer });
    const id = (await a.data(ClusterKeys, {})).apiKeys.find((key) => writer.startsWith(key.prefix))!.id;
    await a.data(ClusterRevoke, { id });
    const closed = await Promise.race([ws.closed, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000))]);
    expect(closed).toMatchObject({ code: 4401 });
  });
});

describe('rate limits across two instances', () => {
  let shared: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  const clock = fakeClock(Date.now());
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await shared?.drop();
  });

  it("draws one key's mutations from one bucket, whichever instance they reach", async () => {
    shared = await freshPostgresDatabase();
    const env = { DATABASE_URL: shared.url, RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2' };
    first = await startTestApp(env, { clock, startWorker: false });
    second = await startTestApp(env, { clock, startWorker: false });
    const key = await first.keyFor(['ADMIN'], 'limited');
    const create = async (app: TestApp, n: number) =>
      (await app.data(CreateWebhook, { input: { url: `http://127.0.0.1:9/rl/${n}`, topics: ['message.created'] } }, key)).createWebhook
        .__typename;
    expect(await create(first, 1)).toBe('CreateWebhookSuccess');
    expect(await create(second, 2)).toBe('CreateWebhookSuccess');
    // The burst of 2 is spent over both instances: a third mutation is refused on either.
    expect(await create(first, 3)).toBe('RateLimitedError');
    expect(await create(second, 4)).toBe('RateLimitedError');
    clock.advance(1_000);
    expect(await create(second, 5)).toBe('CreateWebhookSuccess');
    expect(await create(first, 6)).toBe('RateLimitedError');
  });
});
