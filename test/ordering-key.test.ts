import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * publishEvent(input: { orderingKey }) over the real server, on both engines. A receiver fails
 * the first attempt of one event: the later events of its key to that webhook wait (WAITING,
 * with waitingFor) and arrive only after it succeeded, in publish order; another key, an event
 * without a key and another webhook are not held up. A burst of one key to a slow, jittery
 * receiver arrives in publish order, each once.
 */

const PublishKeyed = graphql(`
  mutation OrderingPublish($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess { event { id orderingKey deliveries { id webhookId status orderingKey } } }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const EventLines = graphql(`
  query OrderingEvent($id: ID!) {
    event(id: $id) { deliveries { id webhookId status orderingKey waitingFor { id status } } }
  }
`);

const Waiting = graphql(`
  query OrderingWaiting($webhookId: ID!) {
    deliveries(filter: { webhookId: $webhookId, status: WAITING }) { totalCount edges { node { id status } } }
  }
`);

const Pause = graphql(`
  mutation OrderingPause($id: ID!) { pauseWebhook(id: $id) { __typename } }
`);

const Resume = graphql(`
  mutation OrderingResume($id: ID!) { resumeWebhook(id: $id) { __typename } }
`);

const Redeliver = graphql(`
  mutation OrderingRedeliver($id: ID!) {
    redeliver(deliveryId: $id) {
      __typename
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

type Engine = 'sqlite' | 'postgres';
let gateways: Record<Engine, GatewayProcess>;
/** Holds at most 2 deliveries of a paused webhook: a cap that fails the front of a line. */
let capped: GatewayProcess;
let database: TestDatabase;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-ordering-'));
/** Every arrival: path, the event's name, and when its answer went out. */
const arrivals: { path: string; name: string; answeredAt: number; status: number }[] = [];
const failedOnce = new Set<string>();
/** Requests each path had open at once, at most. */
const inFlight = new Map<string, { now: number; max: number }>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    const { data } = JSON.parse(request.body) as { data: { name: string; failFirstAt?: string; slow?: boolean } };
    const first = data.failFirstAt === request.path && !failedOnce.has(`${request.path}/${data.name}`);
    if (first) failedOnce.add(`${request.path}/${data.name}`);
    const status = first ? 500 : 200;
    const open = inFlight.get(request.path) ?? { now: 0, max: 0 };
    inFlight.set(request.path, open);
    open.now++;
    open.max = Math.max(open.max, open.now);
    // Every other answer slow: attempts that overlap are answered out of order.
    const delay = data.slow && Number(data.name.slice(1)) % 2 === 0 ? 60 : 0;
    const answered = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
      open.now--;
      arrivals.push({ path: request.path, name: data.name, answeredAt: Date.now(), status });
    });
    return { wait: answered, status };
  });
  database = await freshPostgresDatabase();
  gateways = {
    sqlite: await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') }),
    postgres: await startGatewayProcess({ DATABASE_URL: database.url }),
  };
  capped = await startGatewayProcess({ DATABASE_PATH: join(dir, 'capped.db'), PAUSE_MAX_HELD: '2' });
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function webhook(gateway: GatewayProcess, path: string, topic: string): Promise<string> {
  const data = await ask(gateway, CreateWebhook, {
    input: { url: `${receiver.url}${path}`, topics: [topic], retryPolicy: { maxRetries: 3, backoffSeconds: 2, strategy: 'FIXED' } },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(
  gateway: GatewayProcess,
  topic: string,
  name: string,
  orderingKey: string | null,
  extra: Record<string, unknown> = {},
) {
  const data = await ask(gateway, PublishKeyed, { input: { topic, payload: { name, ...extra }, orderingKey } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event;
}

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 3_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never: ${what}`);
}

const at = (path: string) => arrivals.filter((arrival) => arrival.path === path);
const names = (path: string, pick: (name: string) => boolean = () => true) =>
  at(path)
    .map((arrival) => arrival.name)
    .filter(pick);

describe.each(['sqlite', 'postgres'] as const)('%s: orderingKey', (engine) => {
  it('holds later deliveries of a key behind a retrying one, and nothing else', async () => {
    const gateway = gateways[engine];
    const topic = `order.${engine}`;
    const path = `/${engine}/ordered`;
    const otherPath = `/${engine}/other-webhook`;
    const ordered = await webhook(gateway, path, topic);
    await webhook(gateway, otherPath, topic);

    const a1 = await publish(gateway, topic, 'a1', 'a', { failFirstAt: path });
    const a2 = await publish(gateway, topic, 'a2', 'a');
    await publish(gateway, topic, 'b1', 'b');
    const a3 = await publish(gateway, topic, 'a3', 'a');
    await publish(gateway, topic, 'plain', null);
    expect(a1.orderingKey).toBe('a');
    expect(a2.deliveries.find((delivery) => delivery.webhookId === ordered)).toMatchObject({ status: 'WAITING', orderingKey: 'a' });

    // a1's first attempt failed; its retry is 2 s away. Meanwhile the other key, the event without
    // a key and the other webhook's whole line go through.
    await until(
      () => names(path).includes('b1') && names(path).includes('plain') && names(otherPath).length === 5,
      'the unblocked deliveries',
    );
    expect(names(otherPath, (name) => name.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    const a1Ordered = a1.deliveries.find((delivery) => delivery.webhookId === ordered)!;
    const lines = await ask(gateway, EventLines, { id: a2.id });
    expect(lines.event?.deliveries.find((delivery) => delivery.webhookId === ordered)).toMatchObject({
      status: 'WAITING',
      waitingFor: { id: a1Ordered.id, status: 'RETRYING' },
    });
    const a3Line = (await ask(gateway, EventLines, { id: a3.id })).event?.deliveries.find((delivery) => delivery.webhookId === ordered);
    expect(a3Line).toMatchObject({ status: 'WAITING', waitingFor: { id: a1Ordered.id } });
    const waiting = await ask(gateway, Waiting, { webhookId: ordered });
    expect(waiting.deliveries.totalCount).toBe(2);
    expect(await ask(gateway, Redeliver, { id: a3Line!.id })).toMatchObject({
      redeliver: { __typename: 'ValidationError', fieldErrors: [{ path: ['deliveryId'], message: expect.stringContaining('WAITING') }] },
    });
    // Nothing of key a behind a1 arrived while a1 was retrying: a window as long as the unblocked traffic took, and more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(names(path, (name) => name.startsWith('a'))).toEqual(['a1']);

    await until(() => names(path, (name) => name.startsWith('a')).length === 4, 'key a at the ordered endpoint');
    const keyA = at(path).filter((arrival) => arrival.name.startsWith('a'));
    expect(keyA.map((arrival) => `${arrival.name}:${arrival.status}`)).toEqual(['a1:500', 'a1:200', 'a2:200', 'a3:200']);
    expect(await ask(gateway, Waiting, { webhookId: ordered })).toMatchObject({ deliveries: { totalCount: 0 } });
    // The receiver has a3's request before the engine records its answer.
    const a3Ordered = async () =>
      (await ask(gateway, EventLines, { id: a3.id })).event?.deliveries.find((delivery) => delivery.webhookId === ordered);
    await until(async () => (await a3Ordered())?.status !== 'PENDING', 'a3 recorded');
    expect(await a3Ordered()).toMatchObject({ status: 'SUCCEEDED', waitingFor: null });
    expect(names(path)).toHaveLength(6);
  });

  it('sends a burst of one key in publish order, one at a time, where the same burst without a key overlaps', async () => {
    const gateway = gateways[engine];
    const path = `/${engine}/burst`;
    const free = `/${engine}/burst-unkeyed`;
    await webhook(gateway, path, `burst.${engine}`);
    await webhook(gateway, free, `unkeyed.${engine}`);
    const published: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `k${String(i).padStart(2, '0')}`;
      await publish(gateway, `burst.${engine}`, name, 'burst', { slow: true });
      await publish(gateway, `unkeyed.${engine}`, name, null, { slow: true });
      published.push(name);
    }
    await until(() => at(path).length === 40 && at(free).length === 40, 'both bursts');
    expect(names(path)).toEqual(published);
    expect(inFlight.get(path)?.max).toBe(1);
    // Without the key the endpoint has several attempts open at once and answers them out of
    // order: what the key prevents, and proof the receiver would show it.
    expect(new Set(names(free)).size).toBe(40);
    expect(inFlight.get(free)?.max).toBeGreaterThan(1);
    expect(names(free)).not.toEqual(published);
  });
});

it('moves a line on when a hold cap failed its front while the webhook was paused', async () => {
  const path = '/capped/line';
  const id = await webhook(capped, path, 'capped.line');
  expect(await ask(capped, Pause, { id })).toMatchObject({ pauseWebhook: { __typename: 'PauseWebhookSuccess' } });
  const events: { id: string }[] = [];
  for (const name of ['c1', 'c2', 'c3', 'c4']) events.push(await publish(capped, 'capped.line', name, 'line'));
  // The cap (checked every 5 s) fails c1 and c2, the oldest, which leaves c3 WAITING behind nothing.
  const statusOf = async (eventId: string) => (await ask(capped, EventLines, { id: eventId })).event?.deliveries[0]?.status;
  await until(async () => (await statusOf(events[1]!.id)) === 'FAILED', 'the cap failing the front of the line');
  expect(await statusOf(events[0]!.id)).toBe('FAILED');
  expect(await ask(capped, Resume, { id })).toMatchObject({ resumeWebhook: { __typename: 'PauseWebhookSuccess' } });
  await until(() => at(path).length === 2, 'the rest of the line after resume');
  expect(names(path)).toEqual(['c3', 'c4']);
});
