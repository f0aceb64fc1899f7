import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import type { CreateWebhookInput, DeliveryFilter, PublishEventInput } from './gql/graphql.ts';
import { ulid } from 'ulid';
import { eventRepository } from '../src/store/events.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock, type FakeClock } from './helpers/clock.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent, RedeliverFailed } from './helpers/delivery-documents.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Recovery (FAILED deliveries again), replay (past events to a webhook that missed them) and the
 * tenant-wide deliveries connection, over the real server with a loopback receiver. The worker
 * is driven by hand: publish, then worker.settle() sends everything due and records it.
 */

const RecoverDeliveries = graphql(`
  mutation RecoverDeliveries($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {
    recoverDeliveries(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {
      __typename
      ... on RecoverDeliveriesSuccess { dryRun count deliveries { id status attemptCount } }
      ... on ValidationError { fieldErrors { path message } }
      ... on NotFoundError { id }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

const ReplayEvents = graphql(`
  mutation ReplayEvents($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {
    replayEvents(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {
      __typename
      ... on ReplayEventsSuccess { dryRun count events { id } deliveries { id webhookId event { id } } }
      ... on ValidationError { fieldErrors { path message } }
      ... on NotFoundError { id }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

const Deliveries = graphql(`
  query Deliveries($filter: DeliveryFilter, $first: Int, $after: String) {
    deliveries(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id status webhookId event { id topic } attempts { trigger } }
    }
  }
`);

let clock: FakeClock;
let gw: TestApp;
let receiver: Receiver;
let tenantCount = 0;

beforeAll(async () => {
  clock = fakeClock(Date.now());
  // On this thread: settle() drives the worker through retries on the fake clock.
  gw = await startTestApp({ DELIVERY_WORKERS: '0' }, { clock, random: () => 0.5, startWorker: false });
  receiver = await startReceiver();
  receiver.reply((request) => (request.path.startsWith('/fail') ? { status: 500, body: 'no' } : { status: 200, body: 'ok' }));
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const settle = () => gw.app.worker.settle();
const iso = (ms: number) => new Date(ms).toISOString();
const tenantKey = () => gw.keyFor(['ADMIN'], `recovery-tenant-${++tenantCount}`);
const requestsTo = (path: string) => receiver.requests.filter((request) => request.path === path);

async function createHook(key: string, input: Partial<CreateWebhookInput> & { path?: string }) {
  const { path = `/ok/${Math.random().toString(36).slice(2)}`, ...rest } = input;
  const data = await gw.data(CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['message.created'], ...rest } }, key);
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return { id: data.createWebhook.webhook.id, path };
}

async function publish(key: string, input: Partial<PublishEventInput> = {}) {
  const data = await gw.data(PublishEvent, { input: { topic: 'message.created', payload: { n: 1 }, ...input } }, key);
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event;
}

async function deliveries(key: string, filter: DeliveryFilter, first = 100) {
  return (await gw.data(Deliveries, { filter, first }, key)).deliveries;
}

describe('recoverDeliveries', () => {
  it('counts and lists on a dry run without sending or changing anything, then resends the window with MANUAL attempts', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { path: `/fail/${tenantCount}`, retryPolicy: { maxRetries: 0 } });
    const before = await publish(key);
    clock.advance(60_000);
    const since = clock.now();
    const inWindow = [await publish(key), await publish(key), await publish(key)];
    clock.advance(60_000);
    const until = clock.now();
    const after = await publish(key);
    await settle();
    expect(requestsTo(hook.path)).toHaveLength(5);
    const failed = await deliveries(key, { webhookId: hook.id, status: 'FAILED' });
    expect(failed.totalCount).toBe(5);

    const dry = await gw.data(RecoverDeliveries, { webhookId: hook.id, since: iso(since), until: iso(until), dryRun: true }, key);
    expect(dry.recoverDeliveries).toMatchObject({ __typename: 'RecoverDeliveriesSuccess', dryRun: true, count: 3 });
    if (dry.recoverDeliveries.__typename !== 'RecoverDeliveriesSuccess') throw new Error('dry run failed');
    const windowIds = (await deliveries(key, { webhookId: hook.id, since: iso(since), until: iso(until) })).nodes.map((node) => node.id);
    expect(dry.recoverDeliveries.deliveries.map((d) => d.id)).toEqual([...windowIds].reverse());
    await settle();
    // Nothing sent, nothing scheduled.
    expect(requestsTo(hook.path)).toHaveLength(5);
    expect(
      (await deliveries(key, { webhookId: hook.id })).nodes.every((node) => node.attempts.length === 1 && node.status === 'FAILED'),
    ).toBe(true);

    const done = await gw.data(RecoverDeliveries, { webhookId: hook.id, since: iso(since), until: iso(until) }, key);
    expect(done.recoverDeliveries).toMatchObject({ __typename: 'RecoverDeliveriesSuccess', dryRun: false, count: 3 });
    await settle();
    const sent = requestsTo(hook.path)
      .slice(5)
      .map((request) => request.headers['webhook-id']);
    expect(sent.sort()).toEqual(inWindow.map((event) => event.id).sort());
    const nodes = (await deliveries(key, { webhookId: hook.id })).nodes;
    for (const node of nodes) {
      const recovered = inWindow.some((event) => event.id === node.event.id);
      expect(
        node.attempts.map((a) => a.trigger),
        node.event.id,
      ).toEqual(recovered ? ['SCHEDULED', 'MANUAL'] : ['SCHEDULED']);
    }
    expect(nodes.find((node) => node.event.id === before.id)!.attempts).toHaveLength(1);
    expect(nodes.find((node) => node.event.id === after.id)!.attempts).toHaveLength(1);
  });

  it('is the same path as redeliverFailed, and answers bad windows, unknown webhooks and missing scopes with typed errors', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { path: `/fail/${tenantCount}`, retryPolicy: { maxRetries: 0 } });
    await publish(key);
    await publish(key);
    await settle();
    const since = iso(clock.now() - 60_000);
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since, dryRun: true }, key)).recoverDeliveries).toMatchObject({
      count: 2,
    });
    expect((await gw.data(RedeliverFailed, { webhookId: hook.id, since }, key)).redeliverFailed).toEqual({
      __typename: 'RedeliverFailedSuccess',
      count: 2,
    });
    await settle();
    // Still failing: still FAILED, each with its MANUAL attempt, and a recovery would take them again.
    expect((await deliveries(key, { webhookId: hook.id })).nodes.map((node) => node.attempts.map((a) => a.trigger))).toEqual([
      ['SCHEDULED', 'MANUAL'],
      ['SCHEDULED', 'MANUAL'],
    ]);
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since, dryRun: true }, key)).recoverDeliveries).toMatchObject({
      count: 2,
    });

    const tooOld = iso(clock.now() - 8 * 86_400_000);
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since: tooOld, dryRun: true }, key)).recoverDeliveries).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['since'] }],
    });
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since, until: since }, key)).recoverDeliveries).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['until'] }],
    });
    const other = await gw.keyFor(['ADMIN'], 'recovery-other-tenant');
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since, dryRun: true }, other)).recoverDeliveries).toEqual({
      __typename: 'NotFoundError',
      id: hook.id,
    });
    const reader = await gw.keyFor(['WEBHOOKS_READ'], `recovery-tenant-${tenantCount}`);
    expect((await gw.data(RecoverDeliveries, { webhookId: hook.id, since, dryRun: true }, reader)).recoverDeliveries).toEqual({
      __typename: 'ForbiddenError',
      requiredScope: 'WEBHOOKS_WRITE',
    });
  });
});

describe('replayEvents', () => {
  it('delivers past events that the webhook takes now, once however often it runs, and a dry run creates nothing', async () => {
    const key = await tenantKey();
    const since = clock.now();
    const wanted = [
      await publish(key, { payload: { kind: 'order-1' } }),
      await publish(key, { topic: 'message.updated', payload: { kind: 'order-2' } }),
      await publish(key, { payload: { kind: 'order-3' }, channelType: 'whatsapp' }),
    ];
    // Outside its topics, its filter, its echo setting.
    await publish(key, { topic: 'workflow.done', payload: { kind: 'order-4' } });
    await publish(key, { payload: { kind: 'refund-5' } });
    await publish(key, { payload: { kind: 'order-6' }, echo: true });
    const path = `/ok/late-${tenantCount}`;
    const other = await createHook(key, { path: `/ok/other-${tenantCount}`, topics: ['*'] });
    await settle();
    const otherRequests = requestsTo(other.path).length;
    const hook = await createHook(key, {
      path,
      topics: ['message.*'],
      configuration: { filters: [{ field: 'kind', expression: 'order-*' }] },
    });

    const dry = await gw.data(ReplayEvents, { webhookId: hook.id, since: iso(since), dryRun: true }, key);
    expect(dry.replayEvents).toEqual({
      __typename: 'ReplayEventsSuccess',
      dryRun: true,
      count: 3,
      events: wanted.map((e) => ({ id: e.id })),
      deliveries: [],
    });
    await settle();
    expect(requestsTo(path)).toHaveLength(0);
    expect((await deliveries(key, { webhookId: hook.id })).totalCount).toBe(0);

    const done = await gw.data(ReplayEvents, { webhookId: hook.id, since: iso(since) }, key);
    expect(done.replayEvents).toMatchObject({
      __typename: 'ReplayEventsSuccess',
      dryRun: false,
      count: 3,
      events: wanted.map((e) => ({ id: e.id })),
    });
    await settle();
    // Sent side by side (up to the webhook's concurrency), so they may arrive in any order.
    expect(
      requestsTo(path)
        .map((request) => request.headers['webhook-id'])
        .sort(),
    ).toEqual(wanted.map((e) => e.id).sort());

    const again = await gw.data(ReplayEvents, { webhookId: hook.id, since: iso(since) }, key);
    expect(again.replayEvents).toMatchObject({ count: 0, events: [], deliveries: [] });
    await settle();
    expect(requestsTo(path)).toHaveLength(3);
    // The replay was for this webhook alone.
    expect(requestsTo(other.path)).toHaveLength(otherRequests);
    expect((await deliveries(key, { webhookId: hook.id })).totalCount).toBe(3);
  });

  it('creates each delivery once when two replays of the same window run at the same time', async () => {
    const key = await tenantKey();
    const since = clock.now();
    const events = [];
    for (let i = 0; i < 20; i++) events.push(await publish(key, { payload: { i } }));
    const hook = await createHook(key, {});
    const results = await Promise.all([1, 2].map(() => gw.data(ReplayEvents, { webhookId: hook.id, since: iso(since) }, key)));
    const counts = results.map((result) => (result.replayEvents.__typename === 'ReplayEventsSuccess' ? result.replayEvents.count : -1));
    expect(counts.reduce((a, b) => a + b)).toBe(20);
    const created = await deliveries(key, { webhookId: hook.id });
    expect(created.totalCount).toBe(20);
    expect(new Set(created.nodes.map((node) => node.event.id)).size).toBe(20);
  });

  it('is bounded by the event retention, the window and the number per call, and refuses a disabled webhook', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, {});
    const beyondRetention = iso(clock.now() - gw.app.config.delivery.eventRetentionMs - 60_000);
    const answer = async (variables: { since: string; until?: string; dryRun?: boolean; webhookId?: string }) =>
      (await gw.data(ReplayEvents, { webhookId: hook.id, ...variables }, key)).replayEvents;
    expect(await answer({ since: beyondRetention, dryRun: true })).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['since'], message: expect.stringContaining('retention') }],
    });
    expect(await answer({ since: iso(clock.now()), until: iso(clock.now() - 1) })).toMatchObject({ fieldErrors: [{ path: ['until'] }] });
    expect(await answer({ since: iso(clock.now()), webhookId: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toMatchObject({
      __typename: 'NotFoundError',
    });

    // More events in the window than one call takes: seeded straight into the store (ids minted at their own times), then refused whole.
    const since = clock.now() - 3_600_000;
    const tenantId = (await gw.data(graphql(`query RecoveryViewer { viewer { tenantId } }`), {}, key)).viewer.tenantId;
    const events = eventRepository(gw.app.db);
    for (let i = 0; i < 1_001; i++) {
      const at = since + i;
      await events.insert({
        id: `evt_${ulid(at)}`,
        tenantId,
        topic: 'message.created',
        payload: { i },
        channelType: null,
        echo: false,
        idempotencyKey: null,
        orderingKey: null,
        retain: true,
        deliveryCount: 0,
        createdAt: at,
      });
    }
    for (const dryRun of [true, false]) {
      expect(await answer({ since: iso(since), dryRun })).toMatchObject({
        __typename: 'ValidationError',
        fieldErrors: [{ path: ['since'], message: expect.stringContaining('1,000') }],
      });
    }
    expect((await deliveries(key, { webhookId: hook.id })).totalCount).toBe(0);
    expect(await answer({ since: iso(since), until: iso(since + 1_000), dryRun: true })).toMatchObject({ count: 1_000 });

    const disabled = await createHook(key, { enabled: false, topics: ['message.updated'] });
    expect(await answer({ since: iso(since), webhookId: disabled.id })).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['webhookId'] }],
    });
  });

  it('reads at most 32 MiB of events per call (issue 22 row 4): a window holding more is refused, dry run or not, even when nothing in it matches', async () => {
    const key = await tenantKey();
    const hook = await createHook(key, { configuration: { filters: [{ field: 'kind', expression: 'never-*' }] } });
    const tenantId = (await gw.data(graphql(`query RecoveryViewer { viewer { tenantId } }`), {}, key)).viewer.tenantId;
    const since = clock.now() - 3_600_000;
    const events = eventRepository(gw.app.db);
    const payload = { kind: 'other', text: 'x'.repeat(250_000) };
    for (let i = 0; i < 140; i++) {
      const at = since + i;
      await events.insert({
        id: `evt_${ulid(at)}`,
        tenantId,
        topic: 'message.created',
        payload,
        channelType: null,
        echo: false,
        idempotencyKey: null,
        orderingKey: null,
        retain: true,
        deliveryCount: 0,
        createdAt: at,
      });
    }
    const answer = async (variables: { since: string; until?: string; dryRun?: boolean }) =>
      (await gw.data(ReplayEvents, { webhookId: hook.id, ...variables }, key)).replayEvents;
    for (const dryRun of [true, false]) {
      expect(await answer({ since: iso(since), dryRun })).toMatchObject({
        __typename: 'ValidationError',
        fieldErrors: [{ path: ['since'], message: expect.stringContaining('32 MiB') }],
      });
    }
    // A window of part of them is read whole.
    expect(await answer({ since: iso(since), until: iso(since + 100), dryRun: true })).toMatchObject({
      __typename: 'ReplayEventsSuccess',
      count: 0,
    });
  });
});

describe('Query.deliveries', () => {
  it("lists the tenant's deliveries across webhooks, newest first, filtered by webhook, status, topic and time, with totalCount", async () => {
    const key = await tenantKey();
    const good = await createHook(key, { topics: ['message.*'] });
    const bad = await createHook(key, {
      path: `/fail/${tenantCount}`,
      topics: ['message.*', 'workflow.*'],
      retryPolicy: { maxRetries: 0 },
    });
    const first = await publish(key);
    clock.advance(1_000);
    const middle = clock.now();
    const second = await publish(key, { topic: 'message.updated' });
    const third = await publish(key, { topic: 'workflow.done' });
    await settle();
    // Another tenant's deliveries never show.
    const stranger = await tenantKey();
    await createHook(stranger, {});
    await publish(stranger);
    await settle();

    const all = await deliveries(key, {});
    expect(all.totalCount).toBe(5);
    const ids = all.nodes.map((node) => node.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(all.nodes.map((node) => node.event.id)).toEqual([third.id, second.id, second.id, first.id, first.id]);

    expect((await deliveries(key, { webhookId: bad.id })).nodes.map((node) => node.event.id)).toEqual([third.id, second.id, first.id]);
    const failed = await deliveries(key, { status: 'FAILED' });
    expect(failed.totalCount).toBe(3);
    expect(failed.nodes.every((node) => node.webhookId === bad.id && node.status === 'FAILED')).toBe(true);
    expect((await deliveries(key, { topic: 'message.updated' })).nodes.map((node) => node.webhookId).sort()).toEqual(
      [good.id, bad.id].sort(),
    );
    expect((await deliveries(key, { since: iso(middle) })).totalCount).toBe(3);
    expect((await deliveries(key, { until: iso(middle) })).nodes.map((node) => node.event.id)).toEqual([first.id, first.id]);
    expect(
      (await deliveries(key, { webhookId: good.id, status: 'SUCCEEDED', topic: 'message.created', until: iso(middle) })).totalCount,
    ).toBe(1);

    // Pages: no row twice, none left out.
    const seen: string[] = [];
    let after: string | null | undefined = null;
    do {
      const page: Awaited<ReturnType<typeof deliveries>> = (await gw.data(Deliveries, { filter: {}, first: 2, after }, key)).deliveries;
      seen.push(...page.nodes.map((node) => node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(ids);

    expect((await deliveries(stranger, {})).totalCount).toBe(1);
    expect((await deliveries(stranger, { webhookId: good.id })).totalCount).toBe(0);
    const publisher = await gw.keyFor(['EVENTS_PUBLISH'], `recovery-tenant-${tenantCount}`);
    const refused = await gw.request(Deliveries, { filter: {} }, publisher);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_READ' });
  });
});
