import { expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook, UpdateWebhook } from './helpers/documents.ts';
import { ask, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';
import { subscribe, wsClient } from './helpers/live.ts';

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

const servers = gatewayAndReceiverForThisFile('fresh-rows');

it('shows each row as committed when it is sent, not as an earlier row loaded it', async () => {
  const created = await ask(servers.gateway, CreateWebhook, {
    input: { url: `${servers.receiver.url}/fresh`, topics: ['fresh.*'], name: 'before' },
  });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
  const webhookId = created.createWebhook.webhook.id;
  const { client } = wsClient(servers.gateway.url, { apiKey: servers.gateway.key });
  const alone = subscribe(client, AttemptsWithWebhook, { webhookId });
  const shared = Array.from({ length: 3 }, () => subscribe(client, AttemptsWithWebhook, {}));
  await new Promise((resolve) => setTimeout(resolve, 300));

  await ask(servers.gateway, Publish, { input: { topic: 'fresh.one', payload: { n: 1 } } });
  const names = async () =>
    Promise.all([alone, ...shared].map(async (subscription) => (await subscription.next()).data?.deliveryAttempts.delivery.webhook?.name));
  expect(await names()).toEqual(['before', 'before', 'before', 'before']);

  const renamed = await ask(servers.gateway, UpdateWebhook, { id: webhookId, input: { name: 'after' } });
  expect(renamed.updateWebhook.__typename).toBe('UpdateWebhookSuccess');
  await ask(servers.gateway, Publish, { input: { topic: 'fresh.two', payload: { n: 2 } } });
  expect(await names()).toEqual(['after', 'after', 'after', 'after']);
  client.dispose();
});
