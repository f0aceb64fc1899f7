import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess } from './helpers/gateway-process.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { publishOpenLoop } from './helpers/open-loop.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * A subscriber that reads everything at once is never cut off as too slow, however busy the
 * tenant, also when its selection needs a lookup per row (`delivery { … }`), as the delivery
 * monitor's does. Each row used to be executed only when the previous one had been sent, one
 * lookup (and event-loop turn) at a time, and those lookups queued behind publishes waiting for
 * the engine thread's write lock: at 1,000 attempts a second, 1,000 rows piled up unread within
 * a second and the gateway closed the connection (4429) after a few dozen.
 *
 * Open loop: an event every 10 ms for 6 s, each to 10 webhooks. Every attempt must arrive once,
 * with both engines (the delivery threads, and the engine on the main thread).
 */

const Attempts = graphql(`
  subscription KeepsUpAttempts {
    deliveryAttempts { id webhookId outcome startedAt attemptNumber delivery { id status } }
  }
`);

const EVENTS = 600;
const WEBHOOKS = 10;

let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-keeps-up-'));

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  { engine: 'delivery threads', workers: '1' },
  { engine: 'main thread', workers: '0' },
])('a live subscriber with nested fields, engine on the $engine', ({ workers }) => {
  it('receives every attempt of 1,000 a second, each once, and is never cut off', async () => {
    const gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, `gateway-${workers}.db`), DELIVERY_WORKERS: workers });
    const paths = Array.from({ length: WEBHOOKS }, (_, i) => `/keeps-up-${workers}/${i}`);
    const busy = new Set<string>();
    for (const path of paths) {
      const data = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['busy.*'] } });
      if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
      busy.add(data.createWebhook.webhook.id);
    }
    const warm = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}/keeps-up-${workers}/warm`, topics: ['warm.*'] } });
    expect(warm.createWebhook.__typename).toBe('CreateWebhookSuccess');
    const { client, closed } = wsClient(gateway.url, { apiKey: gateway.key });
    const live = subscribe(client, Attempts);
    const cutOff = Promise.race([live.ended, closed]).then((end) => {
      throw new Error(`the subscription ended before the last attempt: ${JSON.stringify(end, ['code', 'reason', 'message', 'error'])}`);
    });
    cutOff.catch(() => {}); // reported by the races below; ending it on purpose is not a failure
    // The subscription is in place once an attempt reaches it.
    for (let heard = false; !heard; ) {
      await ask(gateway, PublishEvent, { input: { topic: 'warm.ping', payload: {} } });
      heard = (await live.nextWithin(500)) !== null;
    }

    const ours = () => receiver.requests.filter((request) => paths.includes(request.path)).length;
    await publishOpenLoop(gateway, 'busy.tick', EVENTS, 10);
    await receiver.received(receiver.requests.length + EVENTS * WEBHOOKS - ours());
    const results: Awaited<ReturnType<typeof live.next>>[] = [];
    const ofBusy = () => results.filter((result) => busy.has(result.data?.deliveryAttempts.webhookId ?? '')).length;
    while (ofBusy() < EVENTS * WEBHOOKS) results.push(await Promise.race([live.next(), cutOff]));
    // Nothing more arrives over a window, and the subscription is still open.
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 500)), cutOff]);
    const late = [];
    while (live.pending > 0) late.push(await live.next());
    expect(late.filter((result) => busy.has(result.data?.deliveryAttempts.webhookId ?? ''))).toEqual([]);

    expect(results.filter((result) => result.errors || !result.data)).toEqual([]);
    const ids = results
      .filter((result) => busy.has(result.data!.deliveryAttempts.webhookId))
      .map((result) => result.data!.deliveryAttempts.id);
    expect(new Set(ids).size).toBe(EVENTS * WEBHOOKS);
    expect(results.every((result) => result.data!.deliveryAttempts.delivery.status === 'SUCCEEDED')).toBe(true);
    live.dispose();
    await client.dispose();
  }, 60_000);
});
