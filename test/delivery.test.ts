import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import type { CreateWebhookInput, PublishEventInput } from './gql/graphql.ts';
import { newId } from '../src/domain/ids.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock, type FakeClock } from './helpers/clock.ts';
import { CreateWebhook, UpdateWebhook } from './helpers/documents.ts';
import { GetDelivery, PublishEvent, RedeliverFailed, WebhookDeliveries } from './helpers/delivery-documents.ts';
import { startReceiver, type Receiver, type Reply } from './helpers/receiver.ts';

/*
 * The worker is driven by hand here: each step publishes, moves the fake clock, then calls
 * worker.settle(), which sends everything due and waits for the attempts to be recorded.
 */

let clock: FakeClock;
let gw: TestApp;
let receiver: Receiver;
let tenantCount = 0;

beforeAll(async () => {
  clock = fakeClock(Date.now());
  // On this thread: settle() drives the worker, on the fake clock and pinned jitter.
  gw = await startTestApp({ DELIVERY_WORKERS: '0' }, { clock, random: () => 0.5, startWorker: false });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const settle = () => gw.app.worker.settle();

/** A fresh tenant per test keeps webhooks and topics from meeting across tests. */
async function tenantKey() {
  return gw.keyFor(['ADMIN'], `delivery-tenant-${++tenantCount}`);
}

async function createHook(key: string, input: Partial<CreateWebhookInput> & { path?: string }) {
  const { path = `/hook/${Math.random().toString(36).slice(2)}`, ...rest } = input;
  const data = await gw.data(CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['message.created'], ...rest } }, key);
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return { id: data.createWebhook.webhook.id, secret: data.createWebhook.signingSecret, path };
}

async function publish(key: string, input: Partial<PublishEventInput>) {
  const data = await gw.data(PublishEvent, { input: { topic: 'message.created', payload: { n: 1 }, ...input } }, key);
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent;
}

async function delivery(key: string, id: string) {
  const data = await gw.data(GetDelivery, { id }, key);
  if (!data.delivery) throw new Error(`delivery ${id} not found`);
  return data.delivery;
}

async function hookState(key: string, id: string) {
  const data = await gw.data(WebhookDeliveries, { id }, key);
  if (!data.webhook) throw new Error(`webhook ${id} not found`);
  return data.webhook;
}

/** Requests that reached one webhook's path. */
const requestsTo = (path: string) => receiver.requests.filter((request) => request.path === path);

function replyByPath(replies: Record<string, () => Reply>) {
  receiver.reply((request) => replies[request.path]?.() ?? { status: 200, body: 'ok' });
}

// First, while the fake clock is still close to real time: standardwebhooks refuses stale timestamps.
describe('the request', () => {
  it('is a signed Standard Webhooks POST with the envelope, custom headers and bearer token', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { headers: [{ name: 'X-Tenant', value: 'acme' }], bearerToken: 'tok-123' });
    const published = await publish(key, { payload: { order: { id: 7, total: 12.5 } } });
    await settle();
    const [request] = requestsTo(hook.path);
    expect(request).toBeDefined();
    expect(request!.method).toBe('POST');
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': published.event.id,
      'x-tenant': 'acme',
      authorization: 'Bearer tok-123',
    });
    expect(request!.headers['user-agent']).toMatch(/^webhook-gateway\//);
    expect(Number(request!.headers['webhook-timestamp'])).toBe(Math.floor(clock.now() / 1000));
    const verified = new StandardWebhook(hook.secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toEqual({ type: 'message.created', timestamp: published.event.createdAt, data: { order: { id: 7, total: 12.5 } } });
    expect(() =>
      new StandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        request!.body,
        request!.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('shapes WEBENGAGE deliveries: sent to the webengage URL with its token', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {
      type: 'WEBENGAGE',
      bearerToken: 'ignored',
      configuration: { webengage: { webhookUrl: `${receiver.url}/webengage-${tenantCount}`, token: 'we-token' } },
    });
    await publish(key, {});
    await settle();
    expect(requestsTo(hook.path)).toHaveLength(0);
    const [request] = requestsTo(`/webengage-${tenantCount}`);
    expect(request!.headers.authorization).toBe('Bearer we-token');
    expect(new StandardWebhook(hook.secret).verify(request!.body, request!.headers as Record<string, string>)).toMatchObject({
      type: 'message.created',
    });
  });

  it('signs with both secrets during a rotation, and with the new one alone after the overlap', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    const rotated = await gw.data(Rotate, { id: hook.id, overlapSeconds: 600 }, key);
    if (rotated.rotateSigningSecret.__typename !== 'RotateSigningSecretSuccess') throw new Error('rotate failed');
    const newSecret = rotated.rotateSigningSecret.signingSecret;
    await publish(key, {});
    await settle();
    const [during] = requestsTo(hook.path);
    const headers = during!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new StandardWebhook(hook.secret).verify(during!.body, headers)).toBeTruthy();
    expect(new StandardWebhook(newSecret).verify(during!.body, headers)).toBeTruthy();

    clock.advance(601_000);
    await publish(key, {});
    await settle();
    const after = requestsTo(hook.path)[1]!;
    const signatures = String(after.headers['webhook-signature']).split(' ');
    const at = new Date(Number(after.headers['webhook-timestamp']) * 1000);
    const sign = (secret: string) => new StandardWebhook(secret).sign(String(after.headers['webhook-id']), at, after.body);
    expect(signatures).toEqual([sign(newSecret)]);
    expect(signatures).not.toContain(sign(hook.secret));
  });
});

describe('publishEvent fan-out', () => {
  it('creates one delivery per matching webhook: topics, families, *, filters, channel types, echo, enabled', async () => {
    const key = await tenantKey();
    const exact = await createHook(key, { topics: ['message.created'] });
    const family = await createHook(key, { topics: ['message.*'] });
    const everything = await createHook(key, { topics: ['*'] });
    const workflows = await createHook(key, { topics: ['workflow.*'] });
    const filtered = await createHook(key, {
      configuration: {
        filters: [
          { field: 'campaign.name', expression: 'prod-*' },
          { field: 'kind', expression: 'order' },
        ],
      },
    });
    const whatsapp = await createHook(key, { configuration: { channelTypes: ['whatsapp'] } });
    const disabled = await createHook(key, { enabled: false });
    const echo = await createHook(key, { configuration: { echo: true } });

    const targets = async (input: Partial<PublishEventInput>) => {
      const published = await publish(key, input);
      expect(published.deliveryCount).toBe(published.event.deliveries.length);
      expect(published.event.deliveries.every((d) => d.status === 'PENDING')).toBe(true);
      return published.event.deliveries.map((d) => d.webhookId).sort();
    };
    const ids = (...hooks: { id: string }[]) => hooks.map((hook) => hook.id).sort();

    expect(await targets({ payload: { campaign: { name: 'prod-7' }, kind: 'order' }, channelType: 'whatsapp' })).toEqual(
      ids(exact, family, everything, filtered, whatsapp, echo),
    );
    expect(await targets({ payload: { campaign: { name: 'dev-7' }, kind: 'order' }, channelType: 'sms' })).toEqual(
      ids(exact, family, everything, echo),
    );
    expect(await targets({ payload: { campaign: { name: 'prod-1' } } })).toEqual(ids(exact, family, everything, echo));
    expect(await targets({ echo: true, channelType: 'whatsapp' })).toEqual(ids(echo));
    expect(await targets({ topic: 'workflow.run_completed' })).toEqual(ids(everything, workflows));
    expect(await targets({ topic: 'template.updated' })).toEqual(ids(everything));
    expect(disabled.id).not.toBe('');
  });

  it('returns the first event for a repeated idempotency key within 24 hours and creates nothing', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    const first = await publish(key, { idempotencyKey: 'order-42' });
    const again = await publish(key, { idempotencyKey: 'order-42', payload: { different: true } });
    expect(again.event.id).toBe(first.event.id);
    expect(again.deliveryCount).toBe(1);
    expect((await hookState(key, hook.id)).deliveries.totalCount).toBe(1);
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const later = await publish(key, { idempotencyKey: 'order-42' });
    expect(later.event.id).not.toBe(first.event.id);
    expect((await hookState(key, hook.id)).deliveries.totalCount).toBe(2);
  });

  it('refuses bad input with a ValidationError and creates nothing', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { topics: ['*'] });
    const cases: [Partial<PublishEventInput>, string][] = [
      [{ topic: 'message.*' }, 'input.topic'],
      [{ topic: 'webhook.test' }, 'input.topic'],
      [{ topic: '' }, 'input.topic'],
      [{ payload: { big: 'x'.repeat(256 * 1024) } }, 'input.payload'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey'],
      [{ channelType: 'c'.repeat(65) }, 'input.channelType'],
    ];
    for (const [input, path] of cases) {
      const { body } = await gw.request(PublishEvent, { input: { topic: 'message.created', payload: {}, ...input } }, key);
      const result = body.data?.publishEvent;
      if (result?.__typename !== 'ValidationError') throw new Error(`expected ValidationError for ${JSON.stringify(input).slice(0, 80)}`);
      expect(result.fieldErrors.map((error) => error.path.join('.'))).toContain(path);
    }
    expect((await hookState(key, hook.id)).deliveries.totalCount).toBe(0);
    const reader = await gw.keyFor(['WEBHOOKS_READ'], `delivery-tenant-${tenantCount}`);
    const { body } = await gw.request(PublishEvent, { input: { topic: 'message.created', payload: {} } }, reader);
    expect(body.data?.publishEvent).toEqual({ __typename: 'ForbiddenError', requiredScope: 'EVENTS_PUBLISH' });
  });
});

const Rotate = graphql(`
  mutation DeliveryRotate($id: ID!, $overlapSeconds: Int) {
    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {
      __typename
      ... on RotateSigningSecretSuccess { signingSecret }
    }
  }
`);

describe('attempt outcomes', () => {
  async function firstAttempt(
    hookInput: Partial<CreateWebhookInput> & { path?: string },
    reply?: Parameters<typeof replyByPath>[0][string],
  ) {
    const key = await tenantKey();
    const hook = await createHook(key, hookInput);
    if (reply) replyByPath({ [hook.path]: reply });
    const published = await publish(key, {});
    await settle();
    const result = await delivery(key, published.event.deliveries[0]!.id);
    return { ...result, attempt: result.attempts[0]!, hook };
  }

  it('2xx is SUCCEEDED, with status, body and duration', async () => {
    const { status, attempt, hook } = await firstAttempt({}, () => ({
      wait: new Promise((resolve) => setTimeout(resolve, 60)),
      status: 202,
      body: 'accepted',
    }));
    expect(status).toBe('SUCCEEDED');
    expect(attempt).toMatchObject({
      outcome: 'SUCCEEDED',
      responseStatus: 202,
      responseBody: 'accepted',
      error: null,
      attemptNumber: 1,
      trigger: 'SCHEDULED',
      nextAttemptAt: null,
    });
    expect(attempt.url).toBe(`${receiver.url}${hook.path}`);
    // The receiver answered 60 ms after the request came: the recorded duration covers that wait.
    expect(attempt.durationMs).toBeGreaterThanOrEqual(59);
  });

  it('another status is HTTP_ERROR, and a 3xx is not followed', async () => {
    const failed = await firstAttempt({}, () => ({ status: 500, body: 'boom' }));
    expect(failed.attempt).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'boom' });
    expect(failed.status).toBe('RETRYING');
    const redirected = await firstAttempt({}, () => ({ status: 302, headers: { location: `${receiver.url}/elsewhere` } }));
    expect(redirected.attempt).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 302 });
    expect(requestsTo('/elsewhere')).toHaveLength(0);
  });

  it('keeps the first 4 KiB of the response body', async () => {
    const { attempt } = await firstAttempt({}, () => ({ status: 200, body: 'y'.repeat(10 * 1024) }));
    expect(attempt.responseBody).toBe('y'.repeat(4096));
  });

  it("times out at the webhook's timeoutSeconds", async () => {
    const { attempt } = await firstAttempt({ timeoutSeconds: 1 }, () => ({ hang: true }));
    expect(attempt.outcome).toBe('TIMED_OUT');
    expect(attempt.durationMs).toBeGreaterThanOrEqual(900);
    expect(attempt.durationMs).toBeLessThan(5000);
  });

  it('a refused connection is CONNECTION_ERROR', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const key = await tenantKey();
    const data = await gw.data(CreateWebhook, { input: { url: `${url}/gone`, topics: ['message.created'] } }, key);
    if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
    const published = await publish(key, {});
    await settle();
    const result = await delivery(key, published.event.deliveries[0]!.id);
    expect(result.attempts[0]).toMatchObject({ outcome: 'CONNECTION_ERROR', responseStatus: null });
    expect(result.attempts[0]!.error).toMatch(/refused/i);
  });
});

describe('the address guard, with private addresses not allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-guard-'));
  const databasePath = join(dir, 'gateway.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('blocks localhost, 127.0.0.1 and a name that resolves to loopback, and sends nothing', async () => {
    const guarded = await startReceiver();
    // Created while development mode admitted them, then served with the switch off (the default).
    const dev = await startTestApp({ DATABASE_PATH: databasePath }, { startWorker: false });
    const hooks = [`http://localhost:${guarded.port}/a`, `http://127.0.0.1:${guarded.port}/b`];
    for (const [index, url] of hooks.entries()) {
      const data = await dev.data(CreateWebhook, { input: { url, topics: [`guard.t${index}`] } });
      expect(data.createWebhook.__typename).toBe('CreateWebhookSuccess');
    }
    await dev.close();

    // On this thread: settle() drives the worker, whose DNS points rebind.example.com at loopback.
    const prod = await startTestApp(
      { DATABASE_PATH: databasePath, ALLOW_PRIVATE_ADDRESSES: 'false', DELIVERY_WORKERS: '0' },
      { startWorker: false, lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
    );
    const rebinding = await prod.data(CreateWebhook, {
      input: { url: `https://rebind.example.com:${guarded.port}/c`, topics: ['guard.t2'] },
    });
    expect(rebinding.createWebhook.__typename).toBe('CreateWebhookSuccess');
    const outcomes: string[] = [];
    for (const topic of ['guard.t0', 'guard.t1', 'guard.t2']) {
      const published = await prod.data(PublishEvent, { input: { topic, payload: {} } });
      if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error('publish failed');
      await prod.app.worker.settle();
      const result = await prod.data(GetDelivery, { id: published.publishEvent.event.deliveries[0]!.id });
      outcomes.push(result.delivery!.attempts[0]!.outcome);
    }
    expect(outcomes).toEqual(['BLOCKED', 'BLOCKED', 'BLOCKED']);
    expect(guarded.requests).toHaveLength(0);
    await prod.close();
    await guarded.close();
  });
});

describe('retries', () => {
  async function failingHook(
    retryPolicy: CreateWebhookInput['retryPolicy'],
    reply: () => { status: number; headers?: Record<string, string> } = () => ({ status: 500 }),
  ) {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy });
    replyByPath({ [hook.path]: reply });
    const published = await publish(key, {});
    return { key, hook, deliveryId: published.event.deliveries[0]!.id };
  }

  /** Runs the due attempt and returns the delay it scheduled, in seconds. */
  async function nextDelaySeconds(key: string, deliveryId: string) {
    await settle();
    const result = await delivery(key, deliveryId);
    const last = result.attempts.at(-1)!;
    return {
      status: result.status,
      delay: last.nextAttemptAt ? (Date.parse(last.nextAttemptAt) - Date.parse(last.finishedAt)) / 1000 : null,
    };
  }

  it.each([
    ['EXPONENTIAL', [10, 20, 40]],
    ['LINEAR', [10, 20, 30]],
    ['FIXED', [10, 10, 10]],
  ] as const)('%s backs off as designed, then fails after maxRetries', async (strategy, delays) => {
    const { key, deliveryId } = await failingHook({ maxRetries: 3, backoffSeconds: 10, strategy });
    for (const [index, expected] of delays.entries()) {
      const step = await nextDelaySeconds(key, deliveryId);
      expect(step).toEqual({ status: 'RETRYING', delay: expected });
      // Not a millisecond early.
      clock.advance(expected * 1000 - 1);
      await settle();
      expect((await delivery(key, deliveryId)).attempts).toHaveLength(index + 1);
      clock.advance(1);
    }
    expect(await nextDelaySeconds(key, deliveryId)).toEqual({ status: 'FAILED', delay: null });
    const failed = await delivery(key, deliveryId);
    expect(failed.attemptCount).toBe(4);
    // It says why: the attempts it had and what the last one got.
    expect(failed.failureReason).toBe('no attempts left after 4: last attempt HTTP_ERROR 500');
  });

  it('honours Retry-After on 429 and 503', async () => {
    for (const status of [429, 503]) {
      const { key, deliveryId } = await failingHook({ backoffSeconds: 5 }, () => ({ status, headers: { 'retry-after': '120' } }));
      expect(await nextDelaySeconds(key, deliveryId)).toEqual({ status: 'RETRYING', delay: 120 });
    }
  });

  it('Webhook.deliveries filters by status', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    const replies = [200, 500, 200];
    replyByPath({ [hook.path]: () => ({ status: replies.shift() ?? 200 }) });
    for (let i = 0; i < 3; i++) await publish(key, {});
    const pending = await gw.data(WebhookDeliveries, { id: hook.id, status: 'PENDING' }, key);
    expect(pending.webhook?.deliveries.totalCount).toBe(3);
    await settle();
    const succeeded = await gw.data(WebhookDeliveries, { id: hook.id, status: 'SUCCEEDED' }, key);
    const failed = await gw.data(WebhookDeliveries, { id: hook.id, status: 'FAILED' }, key);
    expect([succeeded.webhook?.deliveries.totalCount, failed.webhook?.deliveries.totalCount]).toEqual([2, 1]);
    expect(failed.webhook?.deliveries.nodes.map((node) => node.status)).toEqual(['FAILED']);
  });

  it('with maxRetries 0 the first failure is final', async () => {
    const { key, deliveryId } = await failingHook({ maxRetries: 0 });
    expect(await nextDelaySeconds(key, deliveryId)).toEqual({ status: 'FAILED', delay: null });
    expect((await delivery(key, deliveryId)).failureReason).toBe('no attempts left after 1: last attempt HTTP_ERROR 500');
  });
});

describe('disabling endpoints', () => {
  // Its own gateway: disable after 3 failures, one request in flight per webhook. The helpers use `gw`.
  let shared: TestApp;
  beforeAll(async () => {
    shared = gw;
    // On this thread, as the file's gw: settle() drives the worker on the fake clock.
    gw = await startTestApp(
      { AUTO_DISABLE_AFTER_FAILURES: '3', DELIVERY_CONCURRENCY_PER_WEBHOOK: '1', DELIVERY_WORKERS: '0' },
      { clock, random: () => 0.5, startWorker: false },
    );
  });
  afterAll(async () => {
    await gw.close();
    gw = shared;
  });

  it('410 Gone disables the webhook at once and fails what was waiting for it', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    replyByPath({ [hook.path]: () => ({ status: 410 }) });
    const first = await publish(key, {});
    const second = await publish(key, {});
    await settle();
    const state = await hookState(key, hook.id);
    expect(state.enabled).toBe(false);
    expect(state.disabledReason).toMatch(/410/);
    expect((await delivery(key, first.event.deliveries[0]!.id)).status).toBe('FAILED');
    expect(await delivery(key, second.event.deliveries[0]!.id)).toMatchObject({ status: 'FAILED', attempts: [] });
    expect(requestsTo(hook.path)).toHaveLength(1);
  });

  it('N consecutive failed attempts disable it with a reason; enabling again resets the count', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    replyByPath({ [hook.path]: () => ({ status: 500 }) });
    // One in flight per webhook here, so the fourth is still waiting when the third failure disables.
    for (let i = 0; i < 4; i++) await publish(key, {});
    await settle();
    const state = await hookState(key, hook.id);
    expect(state).toMatchObject({ enabled: false, stats: { consecutiveFailures: 3, attempts: 3, failed: 3 } });
    expect(state.disabledReason).toMatch(/3 consecutive failed attempts/);
    expect(state.deliveries.nodes.map((node) => node.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(state.deliveries.nodes[0]!.attemptCount).toBe(0);

    const enabled = await gw.data(UpdateWebhook, { id: hook.id, input: { enabled: true } }, key);
    expect(enabled.updateWebhook).toMatchObject({ webhook: { enabled: true, disabledReason: null } });
    expect((await hookState(key, hook.id)).stats.consecutiveFailures).toBe(0);
  });

  it('a success resets the run of failures', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    const replies = [500, 500, 200, 500, 500];
    replyByPath({ [hook.path]: () => ({ status: replies.shift() ?? 200 }) });
    for (let i = 0; i < 5; i++) await publish(key, {});
    await settle();
    expect(await hookState(key, hook.id)).toMatchObject({
      enabled: true,
      stats: { consecutiveFailures: 2, attempts: 5, succeeded: 1, failed: 4 },
    });
  });
});

const EventIds = graphql(`
  query RetainedEvents($settled: ID!, $waiting: ID!, $fresh: ID!) {
    settled: event(id: $settled) { id }
    waiting: event(id: $waiting) { id }
    fresh: event(id: $fresh) { id }
  }
`);

const Redeliver = graphql(`
  mutation Redeliver($id: ID!) {
    redeliver(deliveryId: $id) {
      __typename
      ... on RedeliverSuccess { delivery { id status } }
      ... on NotFoundError { id }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const SendTestEvent = graphql(`
  mutation SendTestEvent($webhookId: ID!) {
    sendTestEvent(webhookId: $webhookId) {
      __typename
      ... on SendTestEventSuccess { delivery { id status event { topic } } }
      ... on NotFoundError { id }
    }
  }
`);

const DeleteHook = graphql(`
  mutation DeleteHookForHistory($id: ID!) {
    deleteWebhook(id: $id) { __typename }
  }
`);

describe('manual attempts', () => {
  it('redeliver makes a MANUAL attempt whatever the status', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    const replies = [500, 200, 200];
    replyByPath({ [hook.path]: () => ({ status: replies.shift() ?? 200 }) });
    const published = await publish(key, {});
    const id = published.event.deliveries[0]!.id;
    await settle();
    expect((await delivery(key, id)).status).toBe('FAILED');
    expect((await gw.data(Redeliver, { id }, key)).redeliver).toMatchObject({ __typename: 'RedeliverSuccess', delivery: { id } });
    await settle();
    const after = await delivery(key, id);
    expect(after.status).toBe('SUCCEEDED');
    expect(after.attempts.map((a) => [a.attemptNumber, a.trigger, a.outcome])).toEqual([
      [1, 'SCHEDULED', 'HTTP_ERROR'],
      [2, 'MANUAL', 'SUCCEEDED'],
    ]);
    await gw.data(Redeliver, { id }, key);
    await settle();
    expect((await delivery(key, id)).attempts.map((a) => a.trigger)).toEqual(['SCHEDULED', 'MANUAL', 'MANUAL']);
    expect((await gw.data(Redeliver, { id: 'dlv_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, key)).redeliver.__typename).toBe('NotFoundError');
  });

  it('redeliverFailed re-queues every FAILED delivery since a time, at most 7 days back', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    let status = 500;
    replyByPath({ [hook.path]: () => ({ status }) });
    for (let i = 0; i < 3; i++) await publish(key, {});
    await settle();
    status = 200;
    const since = new Date(clock.now() - 60_000).toISOString();
    expect((await gw.data(RedeliverFailed, { webhookId: hook.id, since }, key)).redeliverFailed).toEqual({
      __typename: 'RedeliverFailedSuccess',
      count: 3,
    });
    await settle();
    const state = await hookState(key, hook.id);
    expect(state.deliveries.nodes.map((node) => node.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect((await gw.data(RedeliverFailed, { webhookId: hook.id, since }, key)).redeliverFailed).toEqual({
      __typename: 'RedeliverFailedSuccess',
      count: 0,
    });

    const tooOld = new Date(clock.now() - 8 * 24 * 3600 * 1000).toISOString();
    expect((await gw.data(RedeliverFailed, { webhookId: hook.id, since: tooOld }, key)).redeliverFailed).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['since'] }],
    });
    expect((await gw.data(RedeliverFailed, { webhookId: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV', since }, key)).redeliverFailed.__typename).toBe(
      'NotFoundError',
    );
  });

  it('sendTestEvent delivers webhook.test to that webhook alone', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { enabled: false });
    const other = await createHook(key, { topics: ['*'] });
    const sent = await gw.data(SendTestEvent, { webhookId: hook.id }, key);
    if (sent.sendTestEvent.__typename !== 'SendTestEventSuccess') throw new Error('sendTestEvent failed');
    expect(sent.sendTestEvent.delivery.event.topic).toBe('webhook.test');
    await settle();
    const [request] = requestsTo(hook.path);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'webhook.test', data: { webhookId: hook.id } });
    expect(requestsTo(other.path)).toHaveLength(0);
    const result = await delivery(key, sent.sendTestEvent.delivery.id);
    expect(result).toMatchObject({ status: 'SUCCEEDED', attempts: [{ trigger: 'TEST', outcome: 'SUCCEEDED' }] });
  });

  it('deleting a webhook fails its waiting deliveries and keeps their history', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    replyByPath({ [hook.path]: () => ({ status: 500 }) });
    const published = await publish(key, {});
    await settle();
    expect((await delivery(key, published.event.deliveries[0]!.id)).status).toBe('RETRYING');
    await gw.data(DeleteHook, { id: hook.id }, key);
    clock.advance(3600_000);
    await settle();
    const after = await delivery(key, published.event.deliveries[0]!.id);
    expect(after).toMatchObject({ status: 'FAILED', webhook: null, webhookId: hook.id, nextAttemptAt: null });
    expect(after.attempts).toHaveLength(1);
    expect(requestsTo(hook.path)).toHaveLength(1);
  });
});

describe('a webhook changed while its attempt is in flight', () => {
  // The recorder trusts what the claim read unless the delivery changed meanwhile: these are the changes.
  it.each(['disabled', 'deleted'] as const)('%s: its delivery stays FAILED, with the attempt recorded', async (change) => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    receiver.reply((request) => (request.path === hook.path ? { wait: held, status: 500 } : { status: 200 }));
    const before = receiver.requests.length;
    const id = (await publish(key, {})).event.deliveries[0]!.id;
    const settled = settle();
    await receiver.received(before + 1);
    if (change === 'disabled') await gw.data(UpdateWebhook, { id: hook.id, input: { enabled: false } }, key);
    else await gw.data(DeleteHook, { id: hook.id }, key);
    expect((await delivery(key, id)).status).toBe('FAILED');
    answer();
    await settled;
    const after = await delivery(key, id);
    expect(after).toMatchObject({ status: 'FAILED', attemptCount: 1, nextAttemptAt: null });
    expect(after.attempts).toMatchObject([{ attemptNumber: 1, outcome: 'HTTP_ERROR', nextAttemptAt: null }]);
    receiver.reply(() => ({ status: 200 }));
  });
});

describe('a redeliver while its attempt is in flight', () => {
  // The request outlives the recording of the attempt in flight (store/deliveries.ts, movedOn).
  /** Holds this webhook's next request open until `answer` is called; later ones get 200. */
  function holdFirst(path: string, status: number) {
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    let seen = 0;
    receiver.reply((request) => (request.path !== path ? { status: 200 } : ++seen === 1 ? { wait: held, status } : { status: 200 }));
    return answer;
  }
  const triggers = async (key: string, id: string) =>
    (await delivery(key, id)).attempts.map((a) => [a.attemptNumber, a.trigger, a.outcome]);
  /** Nothing more is sent, however far the clock moves: no duplicate, no scheduled retry left over. */
  async function nothingMore(key: string, id: string, path: string) {
    const [sent, attempts] = [requestsTo(path).length, (await delivery(key, id)).attempts.length];
    clock.advance(24 * 3600 * 1000);
    await settle();
    expect(requestsTo(path)).toHaveLength(sent);
    expect((await delivery(key, id)).attempts).toHaveLength(attempts);
  }

  it('is one MANUAL attempt after it, however often it was asked for', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 3 } });
    const answer = holdFirst(hook.path, 500);
    const before = receiver.requests.length;
    const id = (await publish(key, {})).event.deliveries[0]!.id;
    const settled = settle();
    await receiver.received(before + 1);
    for (let i = 0; i < 2; i++) expect((await gw.data(Redeliver, { id }, key)).redeliver.__typename).toBe('RedeliverSuccess');
    answer();
    await settled;
    await settle();
    expect(await triggers(key, id)).toEqual([
      [1, 'SCHEDULED', 'HTTP_ERROR'],
      [2, 'MANUAL', 'SUCCEEDED'],
    ]);
    await nothingMore(key, id, hook.path);
  });

  it('redeliverFailed during a MANUAL attempt of a FAILED delivery is one more after it', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    replyByPath({ [hook.path]: () => ({ status: 500 }) });
    const id = (await publish(key, {})).event.deliveries[0]!.id;
    await settle();
    expect((await delivery(key, id)).status).toBe('FAILED');
    const answer = holdFirst(hook.path, 500);
    const before = receiver.requests.length;
    await gw.data(Redeliver, { id }, key);
    const settled = settle();
    await receiver.received(before + 1);
    const since = new Date(clock.now() - 60_000).toISOString();
    expect((await gw.data(RedeliverFailed, { webhookId: hook.id, since }, key)).redeliverFailed).toEqual({
      __typename: 'RedeliverFailedSuccess',
      count: 1,
    });
    answer();
    await settled;
    await settle();
    expect(await triggers(key, id)).toEqual([
      [1, 'SCHEDULED', 'HTTP_ERROR'],
      [2, 'MANUAL', 'HTTP_ERROR'],
      [3, 'MANUAL', 'SUCCEEDED'],
    ]);
    await nothingMore(key, id, hook.path);
  });

  it('after its webhook was disabled meanwhile: sent once the attempt in flight is recorded, not beside it', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    const answer = holdFirst(hook.path, 500);
    const before = receiver.requests.length;
    const id = (await publish(key, {})).event.deliveries[0]!.id;
    const settled = settle();
    await receiver.received(before + 1);
    await gw.data(UpdateWebhook, { id: hook.id, input: { enabled: false } }, key);
    await gw.data(Redeliver, { id }, key);
    // Claims again while the first attempt is held (this settle waits for it): its lease must keep the delivery.
    const again = settle();
    await Promise.race([receiver.received(before + 2), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    expect(requestsTo(hook.path)).toHaveLength(1);
    answer();
    await Promise.all([settled, again]);
    await settle();
    expect(await triggers(key, id)).toEqual([
      [1, 'SCHEDULED', 'HTTP_ERROR'],
      [2, 'MANUAL', 'SUCCEEDED'],
    ]);
    await nothingMore(key, id, hook.path);
  });
});

describe('stats and retention', () => {
  it('counts attempts, failures, the last attempt and duration percentiles; prunes old attempts', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { retryPolicy: { maxRetries: 0 } });
    const published = await publish(key, {});
    await settle();
    const first = (await delivery(key, published.event.deliveries[0]!.id)).attempts[0]!;
    // A known series: this attempt and 99 more of the same delivery, lasting 1..100 ms, every third failed.
    const row = await gw.app.db.selectFrom('delivery_attempts').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    await gw.app.db.updateTable('delivery_attempts').set({ duration_ms: 100 }).where('id', '=', first.id).execute();
    for (let i = 1; i < 100; i++) {
      await gw.app.repos.attempts.insert({
        ...row,
        id: newId('attempt'),
        attempt_number: i + 1,
        duration_ms: i,
        outcome: i % 3 === 0 ? 'HTTP_ERROR' : 'SUCCEEDED',
        started_at: clock.now() + i,
      });
    }
    const stats = (await hookState(key, hook.id)).stats;
    expect(stats.attempts).toBe(100);
    expect(stats.failed).toBe(33 + (first.outcome === 'SUCCEEDED' ? 0 : 1));
    expect(stats.succeeded).toBe(100 - stats.failed);
    expect(Date.parse(stats.lastAttemptAt!)).toBe(clock.now() + 99);
    // Nearest rank over 1..100 ms.
    expect(stats.p50DurationMs).toBe(50);
    expect(stats.p99DurationMs).toBe(99);

    clock.advance(31 * 24 * 3600 * 1000);
    await settle();
    expect((await hookState(key, hook.id)).stats).toMatchObject({ attempts: 0, lastAttemptAt: null, p50DurationMs: null });
  });

  it('prunes events past EVENT_RETENTION_DAYS with their deliveries, but not while an attempt is still to come', async () => {
    const key = await tenantKey();
    await createHook(key, {});
    const settled = (await publish(key, {})).event;
    const waiting = (await publish(key, {})).event;
    await settle();
    // One delivery still scheduled far ahead: its event must stay however old it gets.
    await gw.app.db
      .updateTable('deliveries')
      .set({ next_attempt_at: clock.now() + 400 * 24 * 3600 * 1000, status: 'RETRYING' })
      .where('id', '=', waiting.deliveries[0]!.id)
      .execute();
    clock.advance(31 * 24 * 3600 * 1000);
    const fresh = (await publish(key, {})).event;
    await settle();
    const events = await gw.data(EventIds, { settled: settled.id, waiting: waiting.id, fresh: fresh.id }, key);
    expect(events).toEqual({ settled: null, waiting: { id: waiting.id }, fresh: { id: fresh.id } });
    expect(await gw.data(GetDelivery, { id: settled.deliveries[0]!.id }, key)).toEqual({ delivery: null });
  });
});
