import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedEventBytes } from '../src/domain/storage.ts';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Storage quotas (issue 26, item 6) over the real server process, on both engines: every event
 * counts its payload's JSON bytes and a fixed overhead against its tenant (Viewer.storage shows
 * the sum), a publish past STORAGE_BYTES_PER_TENANT is a StorageQuotaExceededError that stores
 * nothing, parallel publishes near the cap never take the count past it, and events no webhook
 * took are pruned after UNMATCHED_EVENT_RETENTION_SECONDS (here 1 s) unless published with
 * retain, giving their bytes back.
 */

const CAP = 40_000;

const Publish = graphql(`
  mutation QuotaPublish($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess { deliveryCount event { id } }
      ... on StorageQuotaExceededError { code message limitBytes usedBytes }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const Usage = graphql(`
  query QuotaUsage {
    viewer { storage { usedBytes limitBytes } }
    events(first: 1) { totalCount }
  }
`);

const WebhookDeliveries = graphql(`
  query QuotaWebhookDeliveries($id: ID!) {
    webhook(id: $id) { deliveries(first: 1) { totalCount } }
  }
`);

let gateways: Record<'sqlite' | 'postgres', GatewayProcess>;
let database: TestDatabase;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-quota-'));
const env = { STORAGE_BYTES_PER_TENANT: String(CAP), UNMATCHED_EVENT_RETENTION_SECONDS: '1' };

beforeAll(async () => {
  receiver = await startReceiver();
  database = await freshPostgresDatabase();
  gateways = {
    sqlite: await startGatewayProcess({ ...env, DATABASE_PATH: join(dir, 'gateway.db') }),
    postgres: await startGatewayProcess({ ...env, DATABASE_URL: database.url }),
  };
}, 120_000);

afterAll(async () => {
  await killGatewayProcesses();
  await receiver?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function usage(gateway: GatewayProcess) {
  const data = await ask(gateway, Usage, {});
  return { ...data.viewer.storage, events: data.events.totalCount };
}

/** A payload whose stored JSON is exactly `bytes` long. */
function payloadOf(bytes: number) {
  const payload = { pad: '' };
  payload.pad = 'x'.repeat(bytes - JSON.stringify(payload).length);
  return payload;
}

const cost = (payload: unknown) => storedEventBytes(JSON.stringify(payload));

describe.each(['sqlite', 'postgres'] as const)('%s', (engine) => {
  // The tests of one engine run in order on one tenant: each starts from what the one before left.
  let webhookId: string;

  it('prunes an event no webhook took after the window, gives its bytes back, and keeps one published with retain', async () => {
    const gateway = gateways[engine];
    const start = await usage(gateway);
    expect(start).toEqual({ usedBytes: 0, limitBytes: CAP, events: 0 });

    const dropped = { n: 1, text: 'no webhook takes unmatched.*' };
    const kept = { n: 2, text: 'nor this, but it is kept' };
    const one = await ask(gateway, Publish, { input: { topic: 'unmatched.dropped', payload: dropped } });
    const two = await ask(gateway, Publish, { input: { topic: 'unmatched.kept', payload: kept, retain: true } });
    expect(one.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 0 });
    expect(two.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 0 });
    const published = await usage(gateway);
    // Counted at once (the sweep runs at most every second and prunes only events older than one).
    expect(published.usedBytes).toBe(cost(dropped) + cost(kept));
    expect(published.events).toBe(2);

    let now = published;
    for (let round = 0; round < 300 && now.events > 1; round++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await usage(gateway);
    }
    expect(now).toEqual({ usedBytes: cost(kept), limitBytes: CAP, events: 1 });
    // Still there well after the window: retain holds it for the event retention.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await usage(gateway)).toEqual({ usedBytes: cost(kept), limitBytes: CAP, events: 1 });
  }, 60_000);

  it('counts each publish up, and refuses the one past the cap with a typed error that stores nothing', async () => {
    const gateway = gateways[engine];
    const created = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}/quota-${engine}`, topics: ['quota.*'] } });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    webhookId = created.createWebhook.webhook.id;
    const before = await usage(gateway);

    const payload = payloadOf(8_000);
    let expected = before.usedBytes;
    let events = before.events;
    while (expected + cost(payload) <= CAP) {
      const answer = await ask(gateway, Publish, { input: { topic: 'quota.filled', payload } });
      expect(answer.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 1 });
      expected += cost(payload);
      events += 1;
      expect(await usage(gateway)).toEqual({ usedBytes: expected, limitBytes: CAP, events });
    }
    expect(events - before.events).toBeGreaterThanOrEqual(3);

    const refused = await ask(gateway, Publish, { input: { topic: 'quota.filled', payload } });
    expect(refused.publishEvent).toMatchObject({
      __typename: 'StorageQuotaExceededError',
      code: 'QUOTA_EXCEEDED',
      limitBytes: CAP,
      usedBytes: expected,
    });
    // Nothing stored: no event, no delivery, no bytes.
    expect(await usage(gateway)).toEqual({ usedBytes: expected, limitBytes: CAP, events });
    const { webhook } = await ask(gateway, WebhookDeliveries, { id: webhookId });
    expect(webhook?.deliveries.totalCount).toBe(events - before.events);

    // What still fits is taken: a smaller event goes in.
    const small = payloadOf(1_000);
    expect(expected + cost(small)).toBeLessThanOrEqual(CAP);
    const fits = await ask(gateway, Publish, { input: { topic: 'quota.small', payload: small } });
    expect(fits.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess' });
    expect((await usage(gateway)).usedBytes).toBe(expected + cost(small));
  }, 60_000);

  it('parallel publishes near the cap never take the count past it', async () => {
    const gateway = gateways[engine];
    const start = await usage(gateway);
    const room = CAP - start.usedBytes;
    const payload = payloadOf(200);
    const fit = Math.floor(room / cost(payload));
    const answers = await Promise.all(
      Array.from({ length: fit + 6 }, (_, n) =>
        ask(gateway, Publish, { input: { topic: 'quota.race', payload: { ...payload, n: n % 10 } } }),
      ),
    );
    const ok = answers.filter((answer) => answer.publishEvent.__typename === 'PublishEventSuccess').length;
    const refused = answers.filter((answer) => answer.publishEvent.__typename === 'StorageQuotaExceededError').length;
    expect(ok + refused).toBe(answers.length);
    const after = await usage(gateway);
    expect(after.usedBytes).toBeLessThanOrEqual(CAP);
    expect(after.events).toBe(start.events + ok);
    expect(ok).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 60_000);
});
