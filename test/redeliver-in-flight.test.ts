import { describe, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { ask, createWebhookAt, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import type { Received, Reply } from './helpers/receiver.ts';

/*
 * A redeliver asked for while the delivery's attempt is in flight (leased, its request in the
 * receiver's hands) is one more MANUAL attempt once the one in flight is recorded, whatever that
 * one's outcome; and only one. Over the real server process, where the engine runs in a thread.
 */

const setup = gatewayAndReceiverForThisFile('redeliver-in-flight');

/** How long no further request may arrive after the MANUAL one: longer than a poll and a backoff step. */
const QUIET_WINDOW_MS = 3_000;

const RedeliverInFlight = graphql(`
  mutation RedeliverInFlight($id: ID!) {
    redeliver(deliveryId: $id) {
      __typename
      ... on RedeliverSuccess { delivery { id status } }
    }
  }
`);

const UpdateRetries = graphql(`
  mutation UpdateRetriesForRedeliver($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) { __typename }
  }
`);

const AttemptsOf = graphql(`
  query AttemptsOf($id: ID!) {
    delivery(id: $id) { status attempts { attemptNumber trigger outcome } }
  }
`);

async function attemptsOf(id: string) {
  const { delivery } = await ask(setup.gateway, AttemptsOf, { id });
  if (!delivery) throw new Error(`delivery ${id} not found`);
  return delivery;
}

/** Asks until the delivery has `count` attempts recorded; each round is a round trip to the server. */
async function attemptsWhen(id: string, count: number) {
  const deadline = Date.now() + 20_000;
  let delivery = await attemptsOf(id);
  while (delivery.attempts.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery = await attemptsOf(id);
  }
  return delivery;
}

const cases = [
  { name: 'succeeds', firstStatus: 200, maxRetries: 3, firstOutcome: 'SUCCEEDED' },
  { name: 'fails with retries left', firstStatus: 500, maxRetries: 3, firstOutcome: 'HTTP_ERROR' },
  { name: 'fails for the last time', firstStatus: 500, maxRetries: 0, firstOutcome: 'HTTP_ERROR' },
] as const;

/** How the receiver answers each case's webhook (by path): the cases share it. */
const replies = new Map<string, (request: Received) => Reply>();

// The cases run side by side, each with a topic and a webhook of its own, so that their quiet
// windows overlap rather than add up.
describe.concurrent('redeliver while an attempt is in flight', () => {
  for (const { name, firstStatus, maxRetries, firstOutcome } of cases) {
    it(`makes exactly one more MANUAL attempt after it, when the one in flight ${name}`, async ({ expect }) => {
      const { gateway, receiver } = setup;
      const slug = name.replaceAll(' ', '-');
      const path = `/hook/${slug}`;
      const topic = `in-flight.${slug}`;
      const webhookId = await createWebhookAt(gateway, `${receiver.url}${path}`, { topics: [topic] });
      const updated = await ask(gateway, UpdateRetries, { id: webhookId, input: { retryPolicy: { maxRetries, backoffSeconds: 1 } } });
      expect(updated.updateWebhook.__typename).toBe('UpdateWebhookSuccess');

      // The first request is held open until the redeliver is in; every later one gets 200.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let seen = 0;
      replies.set(path, () => (++seen === 1 ? { wait: held, status: firstStatus } : { status: 200 }));
      receiver.reply((request) => replies.get(request.path)?.(request) ?? { status: 200 });
      const toPath = () => receiver.requests.filter((request) => request.path === path);

      const published = await ask(gateway, PublishEvent, { input: { topic, payload: { case: name } } });
      if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(published.publishEvent));
      const id = published.publishEvent.event.deliveries.find((delivery) => delivery.webhookId === webhookId)!.id;

      while (toPath().length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await ask(gateway, RedeliverInFlight, { id })).redeliver.__typename).toBe('RedeliverSuccess');
      release();

      const after = await attemptsWhen(id, 2);
      expect(after.attempts.map((a) => [a.attemptNumber, a.trigger, a.outcome])).toEqual([
        [1, 'SCHEDULED', firstOutcome],
        [2, 'MANUAL', 'SUCCEEDED'],
      ]);

      // No third: neither a duplicate of the MANUAL attempt nor a scheduled retry it replaced.
      await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
      const settled = await attemptsOf(id);
      expect(settled.attempts).toHaveLength(2);
      expect(settled.status).toBe('SUCCEEDED');
      expect(toPath()).toHaveLength(2);
    });
  }
});
