import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { GetDelivery, PublishEvent, WebhookDeliveries } from './helpers/delivery-documents.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

let gw: TestApp;
let slow: Receiver;
let fast: Receiver;

beforeAll(async () => {
  // The worker runs on its own here, as in production: four requests in flight, two per webhook.
  gw = await startTestApp({ DELIVERY_CONCURRENCY: '4', DELIVERY_CONCURRENCY_PER_WEBHOOK: '2', SHUTDOWN_GRACE_SECONDS: '0' });
  slow = await startReceiver();
  fast = await startReceiver();
  slow.reply(() => ({ hang: true }));
});
afterAll(async () => {
  await slow.close();
  await fast.close();
  await gw.close();
});

async function hook(url: string, topic: string, key = gw.adminKey) {
  const data = await gw.data(CreateWebhook, { input: { url, topics: [topic], timeoutSeconds: 60 } }, key);
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
  return data.createWebhook.webhook.id;
}

async function publish(topic: string, key = gw.adminKey) {
  const data = await gw.data(PublishEvent, { input: { topic, payload: { topic } } }, key);
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error('publish failed');
  return data.publishEvent.event;
}

describe('isolation between endpoints', () => {
  it('an endpoint that never answers holds at most its own cap and does not delay a healthy one', async () => {
    await hook(`${slow.url}/stuck`, 'iso.slow');
    await hook(`${fast.url}/ok`, 'iso.fast');
    for (let i = 0; i < 6; i++) await publish('iso.slow');
    await slow.received(2);
    for (let i = 0; i < 3; i++) await publish('iso.fast');
    await fast.received(3);
    expect(slow.requests).toHaveLength(2);
  });

  it('never has more requests in flight than the global cap', async () => {
    await hook(`${slow.url}/stuck-b`, 'iso.slow2');
    for (let i = 0; i < 6; i++) await publish('iso.slow2');
    await slow.received(4);
    // Every request the receiver holds is one in flight: four, the global cap.
    expect(slow.requests).toHaveLength(4);
    expect(slow.requests.filter((request) => request.path === '/stuck-b')).toHaveLength(2);
  });
});

const Reads = graphql(`
  query CrossTenantReads($event: ID!, $delivery: ID!) {
    event(id: $event) { id }
    delivery(id: $delivery) { id }
    eventNode: node(id: $event) { id }
    deliveryNode: node(id: $delivery) { id }
  }
`);

const Events = graphql(`
  query EventsPage($first: Int, $after: String, $topic: String) {
    events(first: $first, after: $after, topic: $topic) {
      totalCount
      nodes { id topic payload deliveries { id webhookId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

describe('events and deliveries belong to their tenant', () => {
  it("another tenant's events and deliveries are not found, and lists hold only your own", async () => {
    const other = await gw.keyFor(['ADMIN'], 'iso-other');
    await hook(`${fast.url}/theirs`, 'iso.own', other);
    const event = await publish('iso.own', other);
    const deliveryId = event.deliveries[0]!.id;

    expect(await gw.data(Reads, { event: event.id, delivery: deliveryId })).toEqual({
      event: null,
      delivery: null,
      eventNode: null,
      deliveryNode: null,
    });
    expect(await gw.data(Reads, { event: event.id, delivery: deliveryId }, other)).toEqual({
      event: { id: event.id },
      delivery: { id: deliveryId },
      eventNode: { id: event.id },
      deliveryNode: { id: deliveryId },
    });
    const mine = await gw.data(Events, { topic: 'iso.own' });
    expect(mine.events.totalCount).toBe(0);
    const theirs = await gw.data(Events, { topic: 'iso.own' }, other);
    expect(theirs.events.nodes).toEqual([
      {
        id: event.id,
        topic: 'iso.own',
        payload: { topic: 'iso.own' },
        deliveries: [{ id: deliveryId, webhookId: event.deliveries[0]!.webhookId }],
      },
    ]);
  });

  it('pages events newest first; a delivery links back to its webhook', async () => {
    const key = await gw.keyFor(['ADMIN'], 'iso-pages');
    const webhookId = await hook(`${fast.url}/pages`, 'iso.page', key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await publish('iso.page', key)).id);
    const first = await gw.data(Events, { first: 3 }, key);
    expect(first.events.nodes.map((node) => node.id)).toEqual(ids.slice(2).reverse());
    const second = await gw.data(Events, { first: 3, after: first.events.pageInfo.endCursor }, key);
    expect(second.events.nodes.map((node) => node.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.events.pageInfo.hasNextPage).toBe(false);

    const all = await gw.data(WebhookDeliveries, { id: webhookId }, key);
    expect(all.webhook?.deliveries.totalCount).toBe(5);
    const delivery = await gw.data(GetDelivery, { id: all.webhook!.deliveries.nodes[0]!.id }, key);
    expect(delivery.delivery?.webhook?.id).toBe(webhookId);
  });
});

describe('the global cap over several delivery threads', () => {
  it('holds DELIVERY_CONCURRENCY=4 over three threads: never more than four requests in flight, over a window', async () => {
    // Each thread takes a share of the process's cap; shares rounded up would let 3 threads hold 6.
    const app = await startTestApp({ DELIVERY_WORKERS: '3', DELIVERY_CONCURRENCY: '4', SHUTDOWN_GRACE_SECONDS: '0' });
    const held = await startReceiver();
    held.reply(() => ({ hang: true }));
    try {
      for (let i = 0; i < 8; i++) {
        const data = await app.data(CreateWebhook, {
          input: { url: `${held.url}/held-${i}`, topics: ['cap.threads'], timeoutSeconds: 60 },
        });
        if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
      }
      await app.data(PublishEvent, { input: { topic: 'cap.threads', payload: {} } });
      await held.received(4);
      // Long enough for every thread to have claimed what its share allows.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(held.requests).toHaveLength(4);
    } finally {
      await held.close();
      await app.close();
    }
  });
});
