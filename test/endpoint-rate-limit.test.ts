import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { graphqlAt } from './helpers/app.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * rateLimitPerSecond over the real server: a receiver notes the wall-clock second of every
 * request; the capped endpoint never gets more than its cap in one second and gets every
 * delivery in the end, while an uncapped webhook on the same events takes them all at once.
 */

let gateways: Record<'sqlite' | 'postgres', GatewayProcess>;
let gateway: GatewayProcess;
let database: TestDatabase;
let receiver: Receiver;
const arrivals: { path: string; second: number }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gateway-rate-'));

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    arrivals.push({ path: request.path, second: Math.floor(Date.now() / 1000) });
    return { status: 200, body: 'ok' };
  });
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') });
  database = await freshPostgresDatabase();
  gateways = { sqlite: gateway, postgres: await startGatewayProcess({ DATABASE_URL: database.url }) };
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const at = (path: string) => arrivals.filter((arrival) => arrival.path === path);

describe('rateLimitPerSecond', () => {
  it.each(['sqlite', 'postgres'] as const)(
    '%s: caps attempts per second across the burst; the rest wait and all arrive',
    async (engine) => {
      const gateway = gateways[engine];
      const capped = await ask(gateway, CreateWebhook, {
        input: { url: `${receiver.url}/capped-${engine}`, topics: ['rate.*'], rateLimitPerSecond: 4 },
      });
      if (capped.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(capped.createWebhook));
      expect(capped.createWebhook.webhook.id).toBeTruthy();
      await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}/free-${engine}`, topics: ['rate.*'] } });
      const events = 14;
      await Promise.all(
        Array.from({ length: events }, (_, n) => ask(gateway, PublishEvent, { input: { topic: 'rate.tick', payload: { n } } })),
      );
      for (let i = 0; i < 2_000 && at(`/capped-${engine}`).length < events; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(at(`/capped-${engine}`)).toHaveLength(events);
      expect(at(`/free-${engine}`)).toHaveLength(events);
      const perSecond = new Map<number, number>();
      for (const { second } of at(`/capped-${engine}`)) perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(4);
      // 14 at 4 a second cannot take fewer than 4 distinct seconds.
      expect(perSecond.size).toBeGreaterThanOrEqual(4);
      // The uncapped webhook was not held back by its neighbour.
      expect(new Set(at(`/free-${engine}`).map((arrival) => arrival.second)).size).toBeLessThanOrEqual(2);
    },
  );

  it('is validated (1..10000), and null clears it', async () => {
    const created = await ask(gateway, CreateWebhook, {
      input: { url: `${receiver.url}/validated`, topics: ['other.*'], rateLimitPerSecond: 10 },
    });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    const id = created.createWebhook.webhook.id;
    for (const bad of [0, -1, 10_001]) {
      const refused = await ask(gateway, UpdateWebhook, { id, input: { rateLimitPerSecond: bad } });
      expect(refused.updateWebhook.__typename).toBe('ValidationError');
    }
    const read = () => graphqlAt(gateway.url, GetWebhook, { id }, gateway.key).then((r) => r.body.data?.webhook);
    expect((await read()) ?? null).not.toBeNull();
    const cleared = await ask(gateway, UpdateWebhook, { id, input: { rateLimitPerSecond: null } });
    expect(cleared.updateWebhook.__typename).toBe('UpdateWebhookSuccess');
  });
});
