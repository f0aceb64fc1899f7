import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhook, Pause, Resume } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * The four rules a delivery may have to wait for, all at once, checked where they matter: at the
 * receiver. One burst of publishes reaches a capped webhook (2 in flight, answered 150 ms later),
 * a rate-limited one (5 a second), a paused one (resumed after the burst) and an ordered one (one
 * ordering key, answered 30 ms later). On SQLite one gateway; on Postgres two instances on one
 * database, publishing alternately, so the cap and the rate limit are held over both. This is the
 * net under the queue's redesign (docs/queue-design.md, section 3): whichever path takes a
 * delivery, a publish or a claim, each rule holds.
 */

const CAP = 2;
const RATE = 5;
const BURST = 20;
const KEYED = 10;

type Arrival = { path: string; n: number; at: number; overlapping: number };

let receiver: Receiver;
let database: TestDatabase;
const arrivals: Arrival[] = [];
const open = new Map<string, number>();
const dir = mkdtempSync(join(tmpdir(), 'gateway-rules-'));
const instances: Record<'sqlite' | 'postgres', GatewayProcess[]> = { sqlite: [], postgres: [] };

const delays: Record<string, number> = { capped: 150, ordered: 30 };

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    const path = request.path.split('/')[1]!;
    const overlapping = (open.get(path) ?? 0) + 1;
    open.set(path, overlapping);
    const { n } = (JSON.parse(request.body) as { data: { n: number } }).data;
    arrivals.push({ path: request.path, n, at: Date.now(), overlapping });
    const done = new Promise<void>((resolve) => setTimeout(resolve, delays[path] ?? 0)).then(() => {
      open.set(path, (open.get(path) ?? 1) - 1);
    });
    return { wait: done, status: 200, body: 'ok' };
  });
  const env = { DELIVERY_CONCURRENCY_PER_WEBHOOK: String(CAP) };
  instances.sqlite.push(await startGatewayProcess({ ...env, DATABASE_PATH: join(dir, 'gateway.db') }));
  database = await freshPostgresDatabase();
  const first = await startGatewayProcess({ ...env, DATABASE_URL: database.url });
  instances.postgres.push(first, await startGatewayProcess({ ...env, DATABASE_URL: database.url }, first.key));
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function webhook(gateway: GatewayProcess, path: string, topic: string, rateLimitPerSecond?: number): Promise<string> {
  const data = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: [topic], rateLimitPerSecond } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(gateway: GatewayProcess, topic: string, n: number, orderingKey?: string): Promise<void> {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload: { n }, orderingKey } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
}

const at = (path: string) => arrivals.filter((arrival) => arrival.path === path);

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3_000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error(`never: ${what}`);
}

describe('a capped, a rate-limited, a paused and an ordered webhook in one burst', () => {
  it.each(['sqlite', 'postgres'] as const)('%s: each rule holds at the receiver', async (engine) => {
    const gateways = instances[engine];
    const [one] = gateways as [GatewayProcess];
    const path = (name: string) => `/${name}/${engine}`;
    await webhook(one, path('capped'), `burst.${engine}`);
    await webhook(one, path('rated'), `burst.${engine}`, RATE);
    const paused = await webhook(one, path('paused'), `burst.${engine}`);
    await webhook(one, path('ordered'), `keyed.${engine}`);
    await ask(one, Pause, { id: paused });

    // Keyed publishes go one after another (their order is the line's); the burst goes at once.
    const keyed = (async () => {
      for (let n = 0; n < KEYED; n++) await publish(gateways[n % gateways.length]!, `keyed.${engine}`, n, 'line');
    })();
    await Promise.all([keyed, ...Array.from({ length: BURST }, (_, n) => publish(gateways[n % gateways.length]!, `burst.${engine}`, n))]);

    await until(() => at(path('capped')).length === BURST && at(path('rated')).length === BURST, 'capped and rated all arrive');
    await until(() => at(path('ordered')).length === KEYED, 'the ordered line arrives');
    // Everything else has arrived, so the paused webhook had every chance to be sent to.
    expect(at(path('paused'))).toHaveLength(0);

    expect(Math.max(...at(path('capped')).map((arrival) => arrival.overlapping))).toBeLessThanOrEqual(CAP);
    const perSecond = new Map<number, number>();
    for (const { at: time } of at(path('rated'))) perSecond.set(Math.floor(time / 1000), (perSecond.get(Math.floor(time / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(RATE);
    expect(at(path('ordered')).map((arrival) => arrival.n)).toEqual(Array.from({ length: KEYED }, (_, n) => n));
    expect(Math.max(...at(path('ordered')).map((arrival) => arrival.overlapping))).toBe(1);

    await ask(gateways[gateways.length - 1]!, Resume, { id: paused });
    await until(() => at(path('paused')).length === BURST, 'the paused webhook sends what it held once resumed');
    expect(new Set(at(path('paused')).map((arrival) => arrival.n)).size).toBe(BURST);
    expect(Math.max(...at(path('paused')).map((arrival) => arrival.overlapping))).toBeLessThanOrEqual(CAP);
  });
});
