import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook, UpdateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * A subscription lives for hours, and every row it sends must show what is committed when that
 * row is executed, not what an earlier row of the same subscription loaded: nested objects
 * come from dataloaders, and a loader that outlived one row would serve its cache to the next.
 * Against the real server with graphql-ws: a webhook renamed between two attempts shows its new
 * name on the second, for one subscriber and for subscribers sharing executions.
 */

const Publish = graphql(`
  mutation FreshRowsPublish($input: PublishEventInput!) {
    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }
  }
`);

const AttemptsWithWebhook = graphql(`
  subscription FreshRowsAttempts($webhookId: ID) {
    deliveryAttempts(webhookId: $webhookId) { id delivery { id webhook { id name } } }
  }
`);

let gateway: GatewayProcess;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-fresh-rows-'));

beforeAll(async () => {
  receiver = await startReceiver();
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') });
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

it('shows each row as committed when it is sent, not as an earlier row loaded it', async () => {
  const created = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}/fresh`, topics: ['fresh.*'], name: 'before' } });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
  const webhookId = created.createWebhook.webhook.id;
  const { client } = wsClient(gateway.url, { apiKey: gateway.key });
  const alone = subscribe(client, AttemptsWithWebhook, { webhookId });
  const shared = Array.from({ length: 3 }, () => subscribe(client, AttemptsWithWebhook, {}));
  await new Promise((resolve) => setTimeout(resolve, 300));

  await ask(gateway, Publish, { input: { topic: 'fresh.one', payload: { n: 1 } } });
  const names = async () =>
    Promise.all([alone, ...shared].map(async (subscription) => (await subscription.next()).data?.deliveryAttempts.delivery.webhook?.name));
  expect(await names()).toEqual(['before', 'before', 'before', 'before']);

  const renamed = await ask(gateway, UpdateWebhook, { id: webhookId, input: { name: 'after' } });
  expect(renamed.updateWebhook.__typename).toBe('UpdateWebhookSuccess');
  await ask(gateway, Publish, { input: { topic: 'fresh.two', payload: { n: 2 } } });
  expect(await names()).toEqual(['after', 'after', 'after', 'after']);
  client.dispose();
});
