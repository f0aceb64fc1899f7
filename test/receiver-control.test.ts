import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook, GetWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Receiver control over the real server: an endpoint answers with `webhook-delivery:
 * abort-message` or `webhook-delivery: disable` and the gateway stops retrying, or disables the
 * webhook; each next to a webhook that does not send the header, which shows what would have
 * happened without it.
 */

const EventDeliveries = graphql(`
  query ReceiverControlDeliveries($id: ID!) {
    event(id: $id) {
      deliveries { webhookId status attempts { outcome responseStatus receiverDirective } }
    }
  }
`);

let gateway: GatewayProcess;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-receiver-control-'));

/** What each path answers: a status and, maybe, a webhook-delivery header. */
const answers: Record<string, { status: number; directive?: string }> = {
  '/abort': { status: 500, directive: ' Abort-Message ' },
  '/retried': { status: 500 },
  '/unknown': { status: 500, directive: 'pause' },
  '/disable': { status: 200, directive: 'DISABLE' },
  '/stays': { status: 200 },
};

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    const answer = answers[request.path] ?? { status: 200 };
    const headers: Record<string, string> = answer.directive ? { 'webhook-delivery': answer.directive } : {};
    return { status: answer.status, headers, body: 'answered' };
  });
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') });
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function webhook(path: string, topic: string): Promise<string> {
  const data = await ask(gateway, CreateWebhook, {
    input: { url: `${receiver.url}${path}`, topics: [topic], retryPolicy: { maxRetries: 3, backoffSeconds: 1, strategy: 'FIXED' } },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(topic: string): Promise<string> {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload: { topic } } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event.id;
}

const sentTo = (path: string) => receiver.requests.filter((request) => request.path === path).length;

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 2_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never: ${what}`);
}

async function deliveriesOf(eventId: string) {
  return (await ask(gateway, EventDeliveries, { id: eventId })).event?.deliveries ?? [];
}

describe('webhook-delivery response header', () => {
  it('abort-message stops the retries of that delivery (FAILED, on the attempt); an unknown value is ignored', async () => {
    const aborting = await webhook('/abort', 'control.abort');
    const retried = await webhook('/retried', 'control.abort');
    const unknown = await webhook('/unknown', 'control.abort');
    const eventId = await publish('control.abort');
    // The webhooks without the header get their retry a second later: by then the aborted one would have too.
    await until(() => sentTo('/retried') >= 2 && sentTo('/unknown') >= 2, 'the retries of the other webhooks');
    await until(
      async () => (await deliveriesOf(eventId)).find((d) => d.webhookId === aborting)?.status === 'FAILED',
      'the aborted delivery FAILED',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sentTo('/abort')).toBe(1);

    const deliveries = await deliveriesOf(eventId);
    const aborted = deliveries.find((d) => d.webhookId === aborting)!;
    expect(aborted).toMatchObject({
      status: 'FAILED',
      attempts: [{ outcome: 'HTTP_ERROR', responseStatus: 500, receiverDirective: 'ABORT_MESSAGE' }],
    });
    for (const id of [retried, unknown]) {
      const other = deliveries.find((d) => d.webhookId === id)!;
      // Retried past the first attempt (RETRYING, or FAILED once its three retries ran out on a slow machine).
      expect(other.attempts.length).toBeGreaterThanOrEqual(2);
      expect(other.attempts.every((attempt) => attempt.receiverDirective === null)).toBe(true);
    }
    // The webhook itself stays enabled: abort-message is about one delivery.
    expect((await ask(gateway, GetWebhook, { id: aborting })).webhook?.enabled).toBe(true);
  });

  it('disable disables the webhook with that reason; what follows goes to the others only', async () => {
    const disabling = await webhook('/disable', 'control.disable');
    await webhook('/stays', 'control.disable');
    const first = await publish('control.disable');
    await until(() => sentTo('/disable') === 1 && sentTo('/stays') === 1, 'the first event at both');
    await until(async () => (await ask(gateway, GetWebhook, { id: disabling })).webhook?.enabled === false, 'the webhook disabled');
    const read = (await ask(gateway, GetWebhook, { id: disabling })).webhook!;
    expect(read.disabledReason).toBe('The endpoint asked to be disabled (webhook-delivery: disable)');
    const delivery = (await deliveriesOf(first)).find((d) => d.webhookId === disabling)!;
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: [{ outcome: 'SUCCEEDED', receiverDirective: 'DISABLE' }] });

    await publish('control.disable');
    await until(() => sentTo('/stays') === 2, 'the second event at the other webhook');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sentTo('/disable')).toBe(1);
  });
});
