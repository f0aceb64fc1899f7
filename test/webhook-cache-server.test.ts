import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { CreateWebhook, DeleteWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { spawnScript } from './helpers/process.ts';
import { startReceiver, verifiesWith, type Receiver } from './helpers/receiver.ts';

/*
 * Webhooks are cached per thread and per instance (store/webhook-cache.ts); a change made
 * anywhere is what the next publish and the next attempt use, everywhere. Over the real server:
 * the API thread changes what the delivery threads send, a delivery thread's disable changes
 * what the API thread's publishes reach, and on Postgres one instance's change is what another
 * instance's publishes see. Each first warms the cache that would go stale.
 */

const Rotate = graphql(`
  mutation CacheRotate($id: ID!) {
    rotateSigningSecret(id: $id, overlapSeconds: 0) {
      __typename
      ... on RotateSigningSecretSuccess { signingSecret }
    }
  }
`);

let receiver: Receiver;
let database: TestDatabase;
let dir: string;
let sqlite: GatewayProcess;
let postgres: [GatewayProcess, GatewayProcess];

beforeAll(async () => {
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'webhook-cache-server-'));
  database = await freshPostgresDatabase();
  const first = await startGatewayProcess({ DATABASE_URL: database.url });
  [sqlite, postgres] = await Promise.all([
    startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), DELIVERY_WORKERS: '2' }),
    startGatewayProcess({ DATABASE_URL: database.url }, first.key).then((second) => [first, second] as [GatewayProcess, GatewayProcess]),
  ]);
}, 60_000);

afterAll(async () => {
  await killGatewayProcesses();
  await receiver?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function createHook(gateway: GatewayProcess, path: string, topics = ['message.*']) {
  const data = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}${path}`, topics } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return { id: data.createWebhook.webhook.id, secret: data.createWebhook.signingSecret };
}

async function publish(gateway: GatewayProcess, topic = 'message.created') {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload: { at: Date.now() } } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent;
}

const at = (path: string) => receiver.requests.filter((request) => request.path === path);

/** The requests at `path` once there are `count`, or after 10 s, with the count checked. */
async function arrived(path: string, count: number) {
  const deadline = Date.now() + 10_000;
  while (at(path).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(at(path), `requests at ${path}`).toHaveLength(count);
  return at(path);
}

describe('one SQLite gateway, API and delivery threads', () => {
  it('sends the next attempt to the URL and with the secret the API thread changed', async () => {
    const hook = await createHook(sqlite, '/cache/before');
    await publish(sqlite);
    await publish(sqlite);
    const [warm] = await arrived('/cache/before', 2);
    expect(verifiesWith(hook.secret, warm!)).toBe(true);

    const moved = await ask(sqlite, UpdateWebhook, { id: hook.id, input: { url: `${receiver.url}/cache/after` } });
    expect(moved.updateWebhook.__typename).toBe('UpdateWebhookSuccess');
    await publish(sqlite);
    await arrived('/cache/after', 1);

    const rotated = await ask(sqlite, Rotate, { id: hook.id });
    if (rotated.rotateSigningSecret.__typename !== 'RotateSigningSecretSuccess')
      throw new Error(JSON.stringify(rotated.rotateSigningSecret));
    await publish(sqlite);
    const [, signed] = await arrived('/cache/after', 2);
    expect(verifiesWith(rotated.rotateSigningSecret.signingSecret, signed!)).toBe(true);
    expect(verifiesWith(hook.secret, signed!)).toBe(false);

    // Long enough for a stale attempt to the old URL to have landed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(at('/cache/before')).toHaveLength(2);
  });

  it('creates no delivery to a webhook a delivery thread disabled since the last publish', async () => {
    receiver.reply((request) => (request.path === '/cache/gone' ? { status: 410 } : { status: 200 }));
    const hook = await createHook(sqlite, '/cache/gone', ['gone.*']);
    expect((await publish(sqlite, 'gone.away')).deliveryCount).toBe(1);
    await arrived('/cache/gone', 1);
    for (;;) {
      const { webhook } = await ask(sqlite, GetWebhook, { id: hook.id });
      if (webhook?.enabled === false) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await publish(sqlite, 'gone.away')).deliveryCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(at('/cache/gone')).toHaveLength(1);
  });
});

describe('tenants', () => {
  it("never gives one tenant's publish another tenant's webhooks, cached or not", async () => {
    const keys = spawnScript('src/scripts/keys.ts', ['create', '--tenant', 'cache-other', '--scopes', 'ADMIN'], {
      DATABASE_PATH: join(dir, 'gateway.db'),
    });
    expect(await keys.exited).toBe(0);
    const other = { ...sqlite, key: keys.lines.at(-1)!.trim() };

    const mine = await createHook(sqlite, '/cache/tenant-mine', ['shared.*']);
    expect((await publish(sqlite, 'shared.news')).event.deliveries.map((d) => d.webhookId)).toEqual([mine.id]);
    const theirs = await createHook(other, '/cache/tenant-theirs', ['shared.*']);
    expect((await publish(other, 'shared.news')).event.deliveries.map((d) => d.webhookId)).toEqual([theirs.id]);
    expect((await publish(sqlite, 'shared.news')).event.deliveries.map((d) => d.webhookId)).toEqual([mine.id]);

    await arrived('/cache/tenant-mine', 2);
    await arrived('/cache/tenant-theirs', 1);
    // Long enough for a delivery across tenants to have landed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([at('/cache/tenant-mine').length, at('/cache/tenant-theirs').length]).toEqual([2, 1]);
  });
});

describe('two instances on one Postgres', () => {
  it('publishes on one instance to what another instance changed, created and deleted', async () => {
    const [a, b] = postgres;
    const hook = await createHook(a, '/cache/pg', ['message.*']);
    expect((await publish(b)).deliveryCount).toBe(1);

    await ask(a, UpdateWebhook, { id: hook.id, input: { topics: ['order.*'] } });
    expect((await publish(b)).deliveryCount).toBe(0);
    expect((await publish(b, 'order.created')).deliveryCount).toBe(1);

    const second = await createHook(a, '/cache/pg-second', ['order.*']);
    expect((await publish(b, 'order.created')).event.deliveries.map((d) => d.webhookId).sort()).toEqual([hook.id, second.id].sort());

    await ask(a, DeleteWebhook, { id: hook.id });
    expect((await publish(b, 'order.created')).event.deliveries.map((d) => d.webhookId)).toEqual([second.id]);
  });
});
