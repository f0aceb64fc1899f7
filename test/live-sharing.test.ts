import { expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';
import { subscribe, wsClient } from './helpers/live.ts';

/*
 * Subscribers with the same document share one execution per row on the server
 * (graphql/shared-subscriptions.ts). Sharing must never cross a line a separate execution would
 * draw: two keys with different scopes, subscribed with the same document, each get what their
 * own scopes allow; the same document with different variables gets each its own rows; and many
 * subscribers of one key all get the same, complete result.
 */

const CreateKey = graphql(`
  mutation SharingCreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key } }
  }
`);

const Publish = graphql(`
  mutation SharingPublish($input: PublishEventInput!) {
    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }
  }
`);

const WithSecret = graphql(`
  subscription SharingWithSecret($webhookId: ID) {
    deliveryAttempts(webhookId: $webhookId) { id webhookId delivery { webhook { id signingSecret } } }
  }
`);

const servers = gatewayAndReceiverForThisFile('sharing');

async function keyWith(scopes: ('WEBHOOKS_READ' | 'WEBHOOKS_SECRETS')[]): Promise<string> {
  const data = await ask(servers.gateway, CreateKey, { input: { name: scopes.join('+'), scopes } });
  if (data.createApiKey.__typename !== 'CreateApiKeySuccess') throw new Error(JSON.stringify(data.createApiKey));
  return data.createApiKey.key;
}

async function webhook(path: string): Promise<{ id: string; secret: string }> {
  const data = await ask(servers.gateway, CreateWebhook, {
    input: { url: `${servers.receiver.url}${path}`, topics: [`sharing.${path.slice(1)}`] },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return { id: data.createWebhook.webhook.id, secret: data.createWebhook.signingSecret };
}

it('never serves one key a result executed for another, nor one variable set the rows of another', async () => {
  const a = await webhook('/a');
  const b = await webhook('/b');
  const reader = wsClient(servers.gateway.url, { apiKey: await keyWith(['WEBHOOKS_READ']) });
  const secrets = wsClient(servers.gateway.url, { apiKey: await keyWith(['WEBHOOKS_READ', 'WEBHOOKS_SECRETS']) });
  // Subscribed in both orders, so whichever key executes a row first, the other must not get its result.
  const readerFirst = subscribe(reader.client, WithSecret, {});
  const secretsAll = subscribe(secrets.client, WithSecret, {});
  const secretsA = subscribe(secrets.client, WithSecret, { webhookId: a.id });
  const secretsB = subscribe(secrets.client, WithSecret, { webhookId: b.id });
  const many = Array.from({ length: 20 }, () => subscribe(secrets.client, WithSecret, { webhookId: a.id }));
  await new Promise((resolve) => setTimeout(resolve, 300));

  await ask(servers.gateway, Publish, { input: { topic: 'sharing.a', payload: { n: 1 } } });
  await ask(servers.gateway, Publish, { input: { topic: 'sharing.b', payload: { n: 2 } } });

  const read = await readerFirst.take(2);
  for (const result of read) {
    expect(result.data?.deliveryAttempts.delivery.webhook?.signingSecret ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  const all = await secretsAll.take(2);
  const secretOf = new Map([
    [a.id, a.secret],
    [b.id, b.secret],
  ]);
  for (const result of all) {
    expect(result.errors).toBeUndefined();
    expect(result.data?.deliveryAttempts.delivery.webhook?.signingSecret).toBe(secretOf.get(result.data!.deliveryAttempts.webhookId));
  }
  const [onlyA] = await secretsA.take(1);
  const [onlyB] = await secretsB.take(1);
  expect(onlyA!.data?.deliveryAttempts.webhookId).toBe(a.id);
  expect(onlyB!.data?.deliveryAttempts.webhookId).toBe(b.id);
  for (const one of many) expect(await one.next()).toEqual(onlyA);
  // Nothing beyond what each filter lets through, over a window long enough for it to arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect([readerFirst, secretsAll, secretsA, secretsB, ...many].map((subscription) => subscription.pending)).toEqual(new Array(24).fill(0));
  await reader.client.dispose();
  await secrets.client.dispose();
});
