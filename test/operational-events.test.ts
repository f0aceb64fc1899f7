import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { testEngine } from './helpers/app.ts';
import { CreateWebhook, DeleteWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { readmeBlock } from './helpers/readme.ts';
import { startReceiver, type Received, type Receiver } from './helpers/receiver.ts';

/*
 * Operational events over the real server (and, in the Postgres project, on Postgres): the
 * gateway tells the tenant about its own webhooks in the reserved gateway.* family. A monitor
 * webhook subscribed to `gateway.*` receives them from loopback endpoints that fail, recover or
 * ask to be disabled; a `*` webhook beside it receives none; the webhook an event is about never
 * receives it; a monitor that fails itself causes none (no loop); tenants cannot publish them.
 * Every webhook retries on a short schedule (1 s, FIXED) and the gateway disables an endpoint
 * after 6 consecutive failures, so each case takes seconds.
 */

const AUTO_DISABLE_AFTER = 6;
const shortRetries = (maxRetries: number) => ({ maxRetries, backoffSeconds: 1, strategy: 'FIXED' as const });

const EventDeliveries = graphql(`
  query OperationalEventDeliveries($id: ID!) {
    event(id: $id) { id topic payload deliveries { webhookId } }
  }
`);
const EventsOfTopic = graphql(`
  query OperationalEventsOfTopic($topic: String!) {
    events(first: 1, topic: $topic) { totalCount }
  }
`);
const GatewayEvents = graphql(`
  subscription OperationalGatewayEvents {
    gatewayEvents { id topic payload createdAt }
  }
`);

type Body = { type: string; timestamp: string; data: Record<string, any> };

let gateway: GatewayProcess;
let receiver: Receiver;
let database: TestDatabase | null = null;
const dir = mkdtempSync(join(tmpdir(), 'gateway-operational-events-'));
let monitor = '';
let everything = '';

/** How many times each path has been asked so far; `/flaky-*` paths fail this many first. */
const flakyFailures = 2;

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    if (request.path.startsWith('/fail')) return { status: 500, body: 'down' };
    if (request.path.startsWith('/disable')) return { status: 200, headers: { 'webhook-delivery': 'disable' }, body: 'leave me' };
    if (request.path.startsWith('/flaky')) {
      const seen = receiver.requests.filter((r) => r.path === request.path).length;
      return seen <= flakyFailures ? { status: 503, body: 'not yet' } : { status: 200, body: 'back' };
    }
    return { status: 200, body: 'ok' };
  });
  database = testEngine === 'postgres' ? await freshPostgresDatabase() : null;
  gateway = await startGatewayProcess({
    DATABASE_PATH: join(dir, 'gateway.db'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    AUTO_DISABLE_AFTER_FAILURES: String(AUTO_DISABLE_AFTER),
  });
  monitor = await webhook('/monitor', ['gateway.*']);
  everything = await webhook('/everything', ['*']);
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function webhook(path: string, topics: string[], maxRetries = 4): Promise<string> {
  const data = await ask(gateway, CreateWebhook, {
    input: { url: `${receiver.url}${path}`, topics, retryPolicy: shortRetries(maxRetries) },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(topic: string): Promise<string> {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload: { topic } } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event.id;
}

async function setEnabled(id: string, enabled: boolean) {
  const data = await ask(gateway, UpdateWebhook, { id, input: { enabled } });
  if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error(JSON.stringify(data.updateWebhook));
}

async function remove(...ids: string[]) {
  for (const id of ids) await ask(gateway, DeleteWebhook, { id });
}

const bodyOf = (request: Received) => JSON.parse(request.body) as Body;
const sentTo = (path: string) => receiver.requests.filter((request) => request.path === path);
/** The operational events a path received (each attempt once), optionally only those about one webhook. */
const gatewayEventsAt = (path: string, about?: string) =>
  sentTo(path)
    .map((request) => ({ id: String(request.headers['webhook-id']), ...bodyOf(request) }))
    .filter((body) => body.type.startsWith('gateway.') && (about === undefined || body.data.webhookId === about));

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 1_500; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('operational events to a gateway.* webhook', () => {
  it('delivery.failing after the 4th failed attempt, delivery.exhausted when retries run out; never to the failing webhook itself', async () => {
    // The failing webhook asks for gateway.* too: it still gets nothing about itself.
    const failing = await webhook('/fail-1', ['op.one', 'gateway.*'], 4);
    const eventId = await publish('op.one');

    const failingEvent = await until(
      () => gatewayEventsAt('/monitor', failing),
      (events) => events.length >= 1,
      'delivery.failing at the monitor',
    );
    expect(sentTo('/fail-1').length).toBeGreaterThanOrEqual(4);
    expect(failingEvent[0]).toMatchObject({
      type: 'gateway.delivery.failing',
      data: {
        webhookId: failing,
        eventId,
        topic: 'op.one',
        attemptCount: 4,
        reason: '4 failed attempts of one delivery',
        lastAttempt: {
          attemptNumber: 4,
          trigger: 'SCHEDULED',
          outcome: 'HTTP_ERROR',
          responseStatus: 500,
          error: 'HTTP 500',
          url: `${receiver.url}/fail-1`,
        },
      },
    });
    const deliveryId = failingEvent[0]!.data.deliveryId as string;
    expect(deliveryId).toMatch(/^dlv_/);

    const both = await until(
      () => gatewayEventsAt('/monitor', failing),
      (events) => events.length >= 2,
      'delivery.exhausted at the monitor',
    );
    expect(sentTo('/fail-1').filter((r) => bodyOf(r).type === 'op.one')).toHaveLength(5);
    expect(both[1]).toMatchObject({
      type: 'gateway.delivery.exhausted',
      data: {
        webhookId: failing,
        deliveryId,
        eventId,
        topic: 'op.one',
        attemptCount: 5,
        lastAttempt: { attemptNumber: 5, outcome: 'HTTP_ERROR', responseStatus: 500 },
      },
    });
    // The payload has the README example's shape, field for field.
    const example = JSON.parse(readmeBlock('operational-event').code) as Body;
    expect(
      Object.keys(both[1]!)
        .filter((key) => key !== 'id')
        .sort(),
    ).toEqual(Object.keys(example).sort());
    expect(Object.keys(both[1]!.data).sort()).toEqual(Object.keys(example.data).sort());
    expect(Object.keys(both[1]!.data.lastAttempt).sort()).toEqual(Object.keys(example.data.lastAttempt).sort());

    // Stored as events of the tenant, delivered to the monitor and not to the webhook they are about.
    for (const received of both) {
      const stored = (await ask(gateway, EventDeliveries, { id: received.id })).event!;
      expect(stored.topic).toBe(received.type);
      expect(stored.payload).toEqual(received.data);
      expect(stored.deliveries.map((d) => d.webhookId)).toContain(monitor);
      expect(stored.deliveries.map((d) => d.webhookId)).not.toContain(failing);
      expect(stored.deliveries.map((d) => d.webhookId)).not.toContain(everything);
    }
    await pause(1_500);
    expect(gatewayEventsAt('/fail-1')).toEqual([]);
    expect(gatewayEventsAt('/monitor', failing).map((event) => event.type)).toEqual([
      'gateway.delivery.failing',
      'gateway.delivery.exhausted',
    ]);
    await remove(failing);
  });

  it('delivery.recovered when a delivery succeeds after failed attempts', async () => {
    const flaky = await webhook('/flaky-2', ['op.two']);
    const eventId = await publish('op.two');
    const [recovered] = await until(
      () => gatewayEventsAt('/monitor', flaky),
      (events) => events.length >= 1,
      'delivery.recovered',
    );
    expect(recovered).toMatchObject({
      type: 'gateway.delivery.recovered',
      data: {
        webhookId: flaky,
        eventId,
        topic: 'op.two',
        attemptCount: 3,
        reason: 'Succeeded after 2 failed attempts',
        lastAttempt: { attemptNumber: 3, outcome: 'SUCCEEDED', responseStatus: 200 },
      },
    });
    await pause(1_000);
    // Two failures are not four: no delivery.failing, and nothing else.
    expect(gatewayEventsAt('/monitor', flaky)).toHaveLength(1);
    await remove(flaky);
  });

  it('webhook.disabled when the gateway disables an endpoint after consecutive failures', async () => {
    // Many retries left: the run of failures, not the policy, ends it.
    const failing = await webhook('/fail-3', ['op.three'], 10);
    const events = [];
    for (let n = 0; n < AUTO_DISABLE_AFTER; n++) events.push(await publish('op.three'));
    const [disabled] = await until(
      () => gatewayEventsAt('/monitor', failing),
      (found) => found.length >= 1,
      'webhook.disabled',
    );
    expect(disabled).toMatchObject({
      type: 'gateway.webhook.disabled',
      data: {
        webhookId: failing,
        topic: 'op.three',
        attemptCount: 1,
        reason: `Disabled after ${AUTO_DISABLE_AFTER} consecutive failed attempts`,
        lastAttempt: { attemptNumber: 1, outcome: 'HTTP_ERROR', responseStatus: 500 },
      },
    });
    expect(events).toContain(disabled!.data.eventId);
    expect((await ask(gateway, GetWebhook, { id: failing })).webhook).toMatchObject({
      enabled: false,
      disabledReason: disabled!.data.reason,
    });
    await pause(1_000);
    expect(gatewayEventsAt('/monitor', failing)).toHaveLength(1);
    await remove(failing);
  });

  it('webhook.disabled, with the reason, when the endpoint answers webhook-delivery: disable', async () => {
    const leaving = await webhook('/disable-4', ['op.four']);
    const eventId = await publish('op.four');
    const [disabled] = await until(
      () => gatewayEventsAt('/monitor', leaving),
      (found) => found.length >= 1,
      'webhook.disabled',
    );
    expect(disabled).toMatchObject({
      type: 'gateway.webhook.disabled',
      data: {
        webhookId: leaving,
        eventId,
        topic: 'op.four',
        reason: 'The endpoint asked to be disabled (webhook-delivery: disable)',
        lastAttempt: { attemptNumber: 1, outcome: 'SUCCEEDED', responseStatus: 200 },
      },
    });
    await remove(leaving);
  });

  it('webhook.disabled and webhook.enabled when a person disables and enables a webhook, also on the live stream', async () => {
    const ws = wsClient(gateway.url, { apiKey: gateway.key });
    const live = subscribe(ws.client, GatewayEvents);
    // graphql-ws does not say when a subscription has started: toggle a throwaway webhook until it has.
    const probe = await webhook('/probe-5', ['op.probe']);
    for (let round = 0; live.pending === 0 && round < 100; round++) {
      await setEnabled(probe, round % 2 === 1);
      await pause(50);
    }
    expect(live.pending).toBeGreaterThan(0);
    await remove(probe);
    await pause(200);
    while (live.pending > 0) await live.next();

    const person = await webhook('/ok-5', ['op.five']);
    await setEnabled(person, false);
    await setEnabled(person, true);
    const found = await until(
      () => gatewayEventsAt('/monitor', person),
      (events) => events.length >= 2,
      'disabled and enabled',
    );
    expect(found.map((event) => event.type).sort()).toEqual(['gateway.webhook.disabled', 'gateway.webhook.enabled']);
    const byType = Object.fromEntries(found.map((event) => [event.type, event]));
    expect(byType['gateway.webhook.disabled']!.data).toEqual({
      webhookId: person,
      deliveryId: null,
      eventId: null,
      topic: null,
      reason: 'Disabled with updateWebhook (enabled: false)',
      attemptCount: null,
      lastAttempt: null,
    });
    expect(byType['gateway.webhook.enabled']!.data).toMatchObject({
      webhookId: person,
      reason: 'Enabled with updateWebhook (enabled: true)',
      deliveryId: null,
    });

    // The same two, in commit order, on the gatewayEvents subscription.
    const streamed = await live.take(2);
    expect(streamed.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(streamed.map((result) => result.data!.gatewayEvents)).toMatchObject([
      { id: byType['gateway.webhook.disabled']!.id, topic: 'gateway.webhook.disabled', payload: byType['gateway.webhook.disabled']!.data },
      { id: byType['gateway.webhook.enabled']!.id, topic: 'gateway.webhook.enabled', payload: byType['gateway.webhook.enabled']!.data },
    ]);
    // A tenant's own publish is not on it.
    await publish('op.five');
    await until(
      () => sentTo('/ok-5').length,
      (n) => n >= 1,
      'the publish delivered',
    );
    await pause(300);
    expect(live.pending).toBe(0);
    live.dispose();
    await ws.client.dispose();
    await remove(person);
  });

  it('a failing monitor causes no operational events about its own deliveries of them (no loop)', async () => {
    const failingMonitor = await webhook('/fail-monitor-6', ['gateway.*'], 4);
    const subject = await webhook('/ok-6', ['op.six']);
    // Two events about the subject: the failing monitor fails each 5 times, 10 in a row, so it is also disabled on the 6th.
    await setEnabled(subject, false);
    await setEnabled(subject, true);
    await until(
      () => gatewayEventsAt('/monitor', subject),
      (events) => events.length >= 2,
      'the two events at the healthy monitor',
    );
    await until(
      async () => (await ask(gateway, GetWebhook, { id: failingMonitor })).webhook!.enabled,
      (enabled) => !enabled,
      'the failing monitor disabled after its run of failures',
    );
    expect(sentTo('/fail-monitor-6').length).toBeGreaterThanOrEqual(AUTO_DISABLE_AFTER);
    await pause(1_500);
    // Neither its failing, exhausted nor disabled was told: those would go to monitors, this one included, and round again.
    expect(gatewayEventsAt('/monitor', failingMonitor)).toEqual([]);
    expect(gatewayEventsAt('/fail-monitor-6', failingMonitor)).toEqual([]);
    await remove(failingMonitor, subject);
  });

  it('a * webhook received none of them, and the tenant events all the same', () => {
    expect(sentTo('/everything').length).toBeGreaterThan(0);
    expect(gatewayEventsAt('/everything')).toEqual([]);
    // Nor did the monitor get anything about itself, though it takes all of gateway.*.
    expect(gatewayEventsAt('/monitor', monitor)).toEqual([]);
    expect(gatewayEventsAt('/monitor').length).toBeGreaterThanOrEqual(8);
  });
});

describe('the gateway.* family is the gateway’s own', () => {
  it('publishEvent refuses a gateway.* topic with a ValidationError and stores nothing', async () => {
    for (const topic of ['gateway.x', 'gateway.delivery.failing']) {
      const before = (await ask(gateway, EventsOfTopic, { topic })).events.totalCount;
      const data = await ask(gateway, PublishEvent, { input: { topic, payload: { webhookId: monitor } } });
      expect(data.publishEvent).toEqual({
        __typename: 'ValidationError',
        fieldErrors: [{ path: ['input', 'topic'], message: "gateway.* topics are the gateway's own events; tenants cannot publish them" }],
      });
      expect((await ask(gateway, EventsOfTopic, { topic })).events.totalCount).toBe(before);
    }
    expect((await ask(gateway, EventsOfTopic, { topic: 'gateway.x' })).events.totalCount).toBe(0);
  });
});
