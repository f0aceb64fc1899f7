import { afterAll, beforeAll, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

let gw: TestApp;
let receiver: Receiver;
beforeAll(async () => {
  gw = await startTestApp();
  receiver = await startReceiver();
});
afterAll(async () => {
  await gw.close();
  await receiver.close();
});

const Publish = graphql(`
  mutation SmokePublish($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess { deliveryCount event { id deliveries { id status } } }
    }
  }
`);

it('publishes, delivers a signed request, and records the attempt', async () => {
  const created = await gw.data(CreateWebhook, { input: { url: `${receiver.url}/hook`, topics: ['message.*'] } });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
  const published = await gw.data(Publish, { input: { topic: 'message.created', payload: { text: 'hi' } } });
  if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error('publish failed');
  expect(published.publishEvent.deliveryCount).toBe(1);
  const [request] = await receiver.received(1);
  const verified = new StandardWebhook(created.createWebhook.signingSecret).verify(
    request!.body,
    request!.headers as Record<string, string>,
  );
  expect(verified).toMatchObject({ type: 'message.created', data: { text: 'hi' } });
});
