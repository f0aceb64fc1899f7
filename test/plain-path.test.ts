import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GetDelivery, LiveAttempts, PublishEvent, WebhookDeliveries } from './helpers/delivery-documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { startReceiver } from './helpers/receiver.ts';

/*
 * SPEED_UPS=off leaves out every optimisation with a plain equivalent (app.ts). The same scripted
 * session against the server as `npm start` builds it, with the switch on and off, must be seen
 * the same from outside: what the receiver gets, the deliveries and attempts read back with nested
 * fields, and what a live subscription hears. Ids and times aside.
 */

const EVENTS = 3;
const dir = mkdtempSync(join(tmpdir(), 'gateway-plain-path-'));
afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

/** Ids become the names the session gave them, times and durations go: what is left must not depend on the switch. */
function normalised(value: unknown, names: Map<string, string>): unknown {
  if (typeof value === 'string') return names.get(value) ?? value.replace(/127\.0\.0\.1:\d+/, 'receiver');
  if (Array.isArray(value)) return value.map((item) => normalised(item, names));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/At$|DurationMs$|^durationMs$/.test(key))
      .map(([key, item]) => [key, normalised(item, names)]),
  );
}

async function hook(gateway: GatewayProcess, url: string, topic: string): Promise<string> {
  const data = await ask(gateway, CreateWebhook, { input: { url, topics: [topic] } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(gateway: GatewayProcess, topic: string, payload: unknown): Promise<string> {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event.id;
}

async function session(speedUps: 'on' | 'off') {
  const receiver = await startReceiver();
  receiver.reply((request) => (request.path === '/fails' ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
  const gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, `gateway-${speedUps}.db`), SPEED_UPS: speedUps });
  const names = new Map<string, string>();
  const { client } = wsClient(gateway.url, { apiKey: gateway.key });
  try {
    const hooks = {
      ok: await hook(gateway, `${receiver.url}/ok`, 'message.*'),
      fails: await hook(gateway, `${receiver.url}/fails`, 'message.*'),
    };
    const warm = await hook(gateway, `${receiver.url}/warm`, 'warm.*');
    const live = subscribe(client, LiveAttempts, {});
    // The subscription is open once it hears a warm-up attempt; those are left out below.
    for (let n = 0; !(await live.nextWithin(1_000)); n++) await publish(gateway, 'warm.up', { n });
    const events: string[] = [];
    for (let n = 0; n < EVENTS; n++) events.push(await publish(gateway, 'message.created', { n, text: `message ${n}` }));
    const heard = [];
    while (heard.length < 2 * EVENTS) {
      const result = await live.next();
      if (result.data?.deliveryAttempts.webhookId !== warm) heard.push(result);
    }
    await receiver.received(2 * EVENTS);
    const deliveries = {
      ok: await ask(gateway, WebhookDeliveries, { id: hooks.ok }),
      fails: await ask(gateway, WebhookDeliveries, { id: hooks.fails }),
    };
    const details = [];
    for (const webhook of Object.values(deliveries))
      for (const node of webhook.webhook!.deliveries.nodes) details.push(await ask(gateway, GetDelivery, { id: node.id }));
    names.set(hooks.ok, 'webhook ok').set(hooks.fails, 'webhook fails');
    for (const [n, id] of events.entries()) names.set(id, `event ${n}`);
    // Delivery and attempt ids are named by their webhook and event, read from the nested fields.
    for (const { delivery } of details) {
      const name = `delivery of ${names.get(delivery!.webhookId)} for ${names.get(delivery!.event.id)}`;
      names.set(delivery!.id, name);
      for (const attempt of delivery!.attempts) names.set(attempt.id, `attempt ${attempt.attemptNumber} of ${name}`);
    }
    const byName = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    return {
      received: receiver.requests
        .filter((request) => request.path !== '/warm')
        .map((request) => `${request.path} ${JSON.parse(request.body).data.text}`)
        .sort(),
      deliveries: normalised(Object.values(deliveries), names),
      details: (normalised(details, names) as unknown[]).sort(byName),
      live: (normalised(heard, names) as unknown[]).sort(byName),
    };
  } finally {
    await client.dispose();
    await receiver.close();
  }
}

it('answers a scripted session the same with SPEED_UPS on and off', async () => {
  const on = await session('on');
  const off = await session('off');
  expect(on.live).toHaveLength(2 * EVENTS);
  expect(JSON.stringify(on.details)).toContain('attempt 1 of delivery of webhook fails for event 2');
  expect(off).toEqual(on);
});
