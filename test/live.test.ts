import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphql } from './gql/index.ts';
import type { CreateWebhookInput } from './gql/graphql.ts';
import type { AttemptRow } from '../src/store/db.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock } from './helpers/clock.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { GetDelivery, LiveAttempts, PublishEvent, RedeliverFailed } from './helpers/delivery-documents.ts';
import { sseSubscribe, subscribe, wsClient } from './helpers/live.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

const LiveAttemptDeliveries = graphql(`
  subscription LiveAttemptDeliveries {
    deliveryAttempts { id delivery { id status attemptCount } }
  }
`);

const LiveDeliveries = graphql(`
  subscription LiveDeliveries($webhookId: ID) {
    deliveryUpdated(webhookId: $webhookId) { id webhookId status attemptCount }
  }
`);

const Redeliver = graphql(`
  mutation LiveRedeliver($id: ID!) {
    redeliver(deliveryId: $id) { __typename }
  }
`);

const RevokeKey = graphql(`
  mutation LiveRevoke($id: ID!) {
    revokeApiKey(id: $id) { __typename }
  }
`);

const KeyIds = graphql(`
  query LiveKeyIds {
    apiKeys { id prefix }
  }
`);

let gw: TestApp;
let receiver: Receiver;
const clock = fakeClock(Date.now());

beforeAll(async () => {
  // On this thread: settle() drives the worker, on the fake clock, so each update arrives when the test says.
  gw = await startTestApp(
    { MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', MAX_SUBSCRIPTIONS_PER_TENANT: '5', DELIVERY_WORKERS: '0' },
    { clock, random: () => 0.5, startWorker: false },
  );
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

let tenants = 0;
async function tenant() {
  const name = `live-${++tenants}`;
  return { name, key: await gw.keyFor(['ADMIN'], name) };
}

async function hook(key: string, input: Partial<CreateWebhookInput> = {}) {
  const path = `/live/${Math.random().toString(36).slice(2)}`;
  const data = await gw.data(CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['message.created'], ...input } }, key);
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
  return { id: data.createWebhook.webhook.id, path };
}

async function publish(key: string, topic = 'message.created') {
  const data = await gw.data(PublishEvent, { input: { topic, payload: { at: clock.now() } } }, key);
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error('publish failed');
  return data.publishEvent.event;
}

describe('deliveryAttempts and deliveryUpdated over graphql-ws', () => {
  it('streams each attempt after it is committed; redeliver shows up as MANUAL; statuses go PENDING -> SUCCEEDED', async () => {
    const { key } = await tenant();
    const target = await hook(key);
    const { client } = wsClient(gw.url, { apiKey: key });
    const attempts = subscribe(client, LiveAttempts, {});
    const updates = subscribe(client, LiveDeliveries, { webhookId: target.id });
    await waitForSubscribers(key, 2);

    const event = await publish(key);
    await gw.app.worker.settle();
    const first = (await attempts.next()).data!.deliveryAttempts;
    expect(first).toMatchObject({
      eventId: event.id,
      webhookId: target.id,
      attemptNumber: 1,
      trigger: 'SCHEDULED',
      outcome: 'SUCCEEDED',
      responseStatus: 200,
    });
    // Committed before it was published: a plain query already sees it.
    const stored = await gw.data(GetDelivery, { id: first.delivery.id }, key);
    expect(stored.delivery?.attempts.map((a) => a.id)).toContain(first.id);

    await gw.data(Redeliver, { id: first.delivery.id }, key);
    await gw.app.worker.settle();
    expect((await attempts.next()).data!.deliveryAttempts).toMatchObject({ attemptNumber: 2, trigger: 'MANUAL', outcome: 'SUCCEEDED' });

    const statuses = (await updates.take(4)).map((result) => result.data!.deliveryUpdated.status);
    // Created, sent, queued again by redeliver, sent again.
    expect(statuses).toEqual(['PENDING', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    await client.dispose();
  });

  it('shows PENDING -> RETRYING -> FAILED for a failing endpoint, in the order recorded', async () => {
    const { key } = await tenant();
    const target = await hook(key, { retryPolicy: { maxRetries: 1, backoffSeconds: 5, strategy: 'FIXED' } });
    receiver.reply((request) => (request.path === target.path ? { status: 503 } : { status: 200 }));
    const { client } = wsClient(gw.url, { authorization: `Bearer ${key}` });
    const updates = subscribe(client, LiveDeliveries, { webhookId: target.id });
    const attempts = subscribe(client, LiveAttempts, { webhookId: target.id, outcomes: ['HTTP_ERROR'] });
    await waitForSubscribers(key, 2);

    await publish(key);
    await gw.app.worker.settle();
    clock.advance(5_000);
    await gw.app.worker.settle();
    expect((await updates.take(3)).map((result) => result.data!.deliveryUpdated.status)).toEqual(['PENDING', 'RETRYING', 'FAILED']);
    expect((await attempts.take(2)).map((result) => result.data!.deliveryAttempts.attemptNumber)).toEqual([1, 2]);
    receiver.reply(() => ({ status: 200 }));
    await client.dispose();
  });

  it('redeliverFailed announces every delivery it queues again, as redeliver does', async () => {
    const { key } = await tenant();
    const target = await hook(key, { retryPolicy: { maxRetries: 0 } });
    receiver.reply((request) => (request.path === target.path ? { status: 500 } : { status: 200 }));
    await publish(key);
    await publish(key);
    await gw.app.worker.settle();
    receiver.reply(() => ({ status: 200 }));
    const { client } = wsClient(gw.url, { apiKey: key });
    const updates = subscribe(client, LiveDeliveries, { webhookId: target.id });
    await waitForSubscribers(key, 1);

    const since = new Date(clock.now() - 60_000).toISOString();
    expect((await gw.data(RedeliverFailed, { webhookId: target.id, since }, key)).redeliverFailed).toMatchObject({ count: 2 });
    await gw.app.worker.settle();
    // Everything up to the two successes, in the order published.
    const seen: { status: string; attemptCount: number }[] = [];
    while (seen.filter((update) => update.status === 'SUCCEEDED').length < 2) {
      const { status, attemptCount } = (await updates.next()).data!.deliveryUpdated;
      seen.push({ status, attemptCount });
    }
    // Queued again (still FAILED, one attempt made), then sent.
    expect(seen).toEqual([
      { status: 'FAILED', attemptCount: 1 },
      { status: 'FAILED', attemptCount: 1 },
      { status: 'SUCCEEDED', attemptCount: 2 },
      { status: 'SUCCEEDED', attemptCount: 2 },
    ]);
    await client.dispose();
  });

  it("shows an attempt's delivery as its commit left it, and looks it up when the commit wrote none", async () => {
    const { key } = await tenant();
    await hook(key);
    const { client } = wsClient(gw.url, { apiKey: key });
    const attempts = subscribe(client, LiveAttemptDeliveries, {});
    await waitForSubscribers(key, 1);
    const event = await publish(key);
    const row = await gw.app.db.selectFrom('deliveries').selectAll().where('event_id', '=', event.id).executeTakeFirstOrThrow();
    const attempt = { ...attemptRow(row.tenant_id, 1, ''), delivery_id: row.id, webhook_id: row.webhook_id, event_id: row.event_id };

    // A commit that moved the delivery on; the database still says PENDING (the worker is not running).
    gw.app.feed.committed({ attempts: [attempt], deliveries: [{ ...row, status: 'SUCCEEDED', attempt_count: 1 }] });
    expect((await attempts.next()).data!.deliveryAttempts.delivery).toEqual({ id: row.id, status: 'SUCCEEDED', attemptCount: 1 });
    // Attempts alone (another instance's rows read back without it): the delivery is read.
    gw.app.feed.committed({ attempts: [{ ...attempt, id: attemptRow(row.tenant_id, 2, '').id }] });
    expect((await attempts.next()).data!.deliveryAttempts.delivery).toEqual({ id: row.id, status: 'PENDING', attemptCount: 0 });
    await client.dispose();
  });

  it('filters on the server: webhookId, eventId and outcomes', async () => {
    const { key } = await tenant();
    const one = await hook(key, { topics: ['workflow.created'] });
    const two = await hook(key, { topics: ['workflow.*'] });
    receiver.reply((request) => (request.path === two.path ? { status: 500 } : { status: 200 }));
    const { client } = wsClient(gw.url, { apiKey: key });
    const onlyOne = subscribe(client, LiveAttempts, { webhookId: one.id });
    const onlyFailures = subscribe(client, LiveAttempts, { outcomes: ['HTTP_ERROR', 'TIMED_OUT'] });
    await waitForSubscribers(key, 2);
    const first = await publish(key, 'workflow.created');
    const onlySecondEvent = subscribe(client, LiveAttempts, { eventId: 'evt_none' });
    await waitForSubscribers(key, 3);
    await publish(key, 'workflow.updated');
    await gw.app.worker.settle();
    expect((await onlyOne.next()).data!.deliveryAttempts).toMatchObject({ webhookId: one.id, eventId: first.id });
    const failures = await onlyFailures.take(2);
    expect(failures.map((result) => result.data!.deliveryAttempts.webhookId)).toEqual([two.id, two.id]);
    expect(failures.every((result) => result.data!.deliveryAttempts.outcome === 'HTTP_ERROR')).toBe(true);
    await client.dispose();
    expect(onlyOne.pending + onlySecondEvent.pending).toBe(0);
    receiver.reply(() => ({ status: 200 }));
  });
});

/** Resolves once the server holds this many open subscriptions for the key's tenant. */
async function waitForSubscribers(key: string, count: number) {
  const { viewer } = await gw.data(graphql(`query LiveViewer { viewer { tenantId } }`), {}, key);
  // Opening and closing happen on the server after network round trips; bounded polling, 2 s at most.
  for (let i = 0; i < 400 && gw.app.live.count(viewer.tenantId) !== count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(gw.app.live.count(viewer.tenantId)).toBe(count);
}

describe('authentication over WebSocket and SSE', () => {
  it('closes with 4401 for a bad key and 4403 for a key without WEBHOOKS_READ', async () => {
    const bad = wsClient(gw.url, { apiKey: 'whgw_wrong' });
    expect((await bad.closed).code).toBe(4401);
    const none = wsClient(gw.url, {});
    expect((await none.closed).code).toBe(4401);
    const publisher = wsClient(gw.url, { apiKey: await gw.keyFor(['EVENTS_PUBLISH']) });
    expect(await publisher.closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/WEBHOOKS_READ/) });
  });

  it('accepts the key as headers in connectionParams, as header-style clients send them', async () => {
    const { key } = await tenant();
    for (const params of [{ 'X-API-Key': key }, { headers: { 'x-api-key': key } }, { headers: { Authorization: `Bearer ${key}` } }]) {
      const { client } = wsClient(gw.url, params);
      subscribe(client, LiveAttempts, {});
      await waitForSubscribers(key, 1);
      await client.dispose();
      await waitForSubscribers(key, 0);
    }
  });

  it('takes the same headers over SSE as over HTTP', async () => {
    const { key } = await tenant();
    expect((await sseSubscribe(gw.url, LiveAttempts, {}, {})).status).toBe(401);
    const target = await hook(key);
    const stream = await sseSubscribe(gw.url, LiveAttempts, { webhookId: target.id }, { authorization: `Bearer ${key}` });
    expect(stream.status).toBe(200);
    await waitForSubscribers(key, 1);
    await publish(key);
    await gw.app.worker.settle();
    expect((await stream.next())?.data?.deliveryAttempts).toMatchObject({ webhookId: target.id, outcome: 'SUCCEEDED' });
    stream.close();
  });

  it('revoking a key ends its open subscriptions on both transports', async () => {
    const { name, key: admin } = await tenant();
    const reader = await gw.keyFor(['WEBHOOKS_READ'], name);
    const { client, closed } = wsClient(gw.url, { apiKey: reader });
    const ws = subscribe(client, LiveAttempts, {});
    const sse = await sseSubscribe(gw.url, LiveAttempts, {}, { 'x-api-key': reader });
    await waitForSubscribers(admin, 2);
    const id = (await gw.data(KeyIds, {}, admin)).apiKeys.find((k) => reader.startsWith(k.prefix))!.id;
    await gw.data(RevokeKey, { id }, admin);
    expect(await ws.ended).toMatchObject({ error: expect.anything() });
    expect((await closed).code).toBe(4401);
    const last = await sse.next();
    expect(last?.errors?.[0]?.message ?? null).toMatch(/revoked/);
    expect(await sse.next()).toBeNull();
    await waitForSubscribers(admin, 0);
  });
});

describe('tenant isolation', () => {
  it('two tenants delivering at once never see each other, over either transport', async () => {
    const a = await tenant();
    const b = await tenant();
    const hookA = await hook(a.key);
    const hookB = await hook(b.key);
    const wsA = wsClient(gw.url, { apiKey: a.key });
    const streamA = subscribe(wsA.client, LiveAttempts, {});
    const updatesA = subscribe(wsA.client, LiveDeliveries, {});
    const sseB = await sseSubscribe(gw.url, LiveAttempts, {}, { 'x-api-key': b.key });
    // A subscribes to B's webhook id: no error, and nothing ever arrives.
    const spy = subscribe(wsA.client, LiveAttempts, { webhookId: hookB.id });
    await waitForSubscribers(a.key, 3);
    await waitForSubscribers(b.key, 1);

    const eventsA: string[] = [];
    const eventsB: string[] = [];
    for (let i = 0; i < 5; i++) {
      eventsA.push((await publish(a.key)).id);
      eventsB.push((await publish(b.key)).id);
    }
    await gw.app.worker.settle();
    const seenA = (await streamA.take(5)).map((result) => result.data!.deliveryAttempts);
    expect(seenA.map((attempt) => attempt.eventId).sort()).toEqual([...eventsA].sort());
    expect(seenA.every((attempt) => attempt.webhookId === hookA.id)).toBe(true);
    const seenUpdates = await updatesA.take(10);
    expect(seenUpdates.every((result) => result.data!.deliveryUpdated.webhookId === hookA.id)).toBe(true);
    const seenB: string[] = [];
    for (let i = 0; i < 5; i++) seenB.push((await sseB.next())!.data!.deliveryAttempts.eventId);
    expect(seenB.sort()).toEqual([...eventsB].sort());
    expect(spy.pending).toBe(0);
    expect(streamA.pending).toBe(0);
    sseB.close();
    await wsA.client.dispose();
  });
});

describe('limits and slow consumers', () => {
  it('refuses a subscription past the per-connection and per-tenant limits with a clear error', async () => {
    const { key } = await tenant();
    const first = wsClient(gw.url, { apiKey: key });
    const open = [1, 2, 3].map(() => subscribe(first.client, LiveAttempts, {}));
    const fourth = subscribe(first.client, LiveAttempts, {});
    expect((await fourth.next()).errors?.[0]).toMatchObject({
      message: 'At most 3 subscriptions per connection',
      extensions: { code: 'SUBSCRIPTION_LIMIT' },
    });
    expect(await fourth.ended).toBe('complete');
    await waitForSubscribers(key, 3);

    const second = wsClient(gw.url, { apiKey: key });
    const more = [1, 2].map(() => subscribe(second.client, LiveAttempts, {}));
    await waitForSubscribers(key, 5);
    const sixth = subscribe(second.client, LiveAttempts, {});
    expect((await sixth.next()).errors?.[0]?.message).toBe('At most 5 open subscriptions per tenant');
    expect(open.length + more.length).toBe(5);
    await first.client.dispose();
    await second.client.dispose();
    await waitForSubscribers(key, 0);
  });

  it('disconnects a client that stops reading, with a clear close reason, instead of buffering without bound', async () => {
    const slow = await startTestApp({ LIVE_BUFFER_SIZE: '50' }, { startWorker: false });
    const socket = new WebSocket(slow.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: slow.adminKey } }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { deliveryAttempts { id responseBody } }' } }),
    );
    for (let i = 0; i < 1000 && slow.app.live.count() === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(slow.app.live.count()).toBe(1);

    // Stop reading: the kernel buffers fill, then the server's bounded buffer.
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const body = 'x'.repeat(4096);
    for (let i = 0; slow.app.live.count() > 0; i++) {
      if (i > 200_000) throw new Error('the slow subscriber was never cut off');
      slow.app.feed.committed({ attempts: [attemptRow(slow.tenantId, i, body)] });
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 4429, reason: 'Subscriber too slow' });
    expect(messages.length).toBeGreaterThan(1);
    await slow.close();
  });
});

function attemptRow(tenantId: string, n: number, body: string): AttemptRow {
  return {
    id: `att_${String(n).padStart(26, '0')}`,
    tenant_id: tenantId,
    delivery_id: 'dlv_x',
    webhook_id: 'wh_x',
    event_id: 'evt_x',
    attempt_number: 1,
    trigger: 'SCHEDULED',
    outcome: 'SUCCEEDED',
    url: 'https://example.com',
    response_status: 200,
    response_body: body,
    error: null,
    duration_ms: 1,
    started_at: 0,
    finished_at: 0,
    next_attempt_at: null,
    request_headers: null,
    receiver_directive: null,
  };
}

describe('shutdown', () => {
  it('completes open subscriptions, so clients see completion rather than a hang', async () => {
    const app = await startTestApp({}, { startWorker: false });
    const { client, closed } = wsClient(app.url, { apiKey: app.adminKey });
    const sub = subscribe(client, LiveAttempts, {});
    // Timers, not setImmediate rounds: on Postgres the key check in onConnect waits on a socket.
    for (let i = 0; i < 1000 && app.app.live.count() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    await app.close();
    expect(await sub.ended).toBe('complete');
    expect((await closed).code).toBe(1001);
  });
});
