import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * The delivery engine in several worker threads (DELIVERY_WORKERS=3) of the real server, on
 * SQLite (three connections to one file) and on Postgres: a burst to several webhooks is
 * attempted exactly once per delivery when nothing crashes, every thread took part, and a
 * subscriber on the main thread hears of attempts the threads recorded.
 */

const Publish = graphql(`
  mutation ThreadsPublish($input: PublishEventInput!) {
    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }
  }
`);

const Succeeded = graphql(`
  query ThreadsSucceeded {
    succeeded: deliveries(filter: { status: SUCCEEDED }) { totalCount }
    all: deliveries { totalCount }
  }
`);

const EVENTS = 150;
const WEBHOOKS = 6;
const WORKERS = 3;

type Engine = 'sqlite' | 'postgres';
let receiver: Receiver;
let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'gateway-threads-'));
const gateways = {} as Record<Engine, GatewayProcess>;
/** Requests per (engine, webhook path, event id). */
const received = new Map<string, number>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => {
    const key = `${request.path} ${String(request.headers['webhook-id'])}`;
    received.set(key, (received.get(key) ?? 0) + 1);
    // A little latency, so attempts overlap across threads.
    return { wait: new Promise((resolve) => setTimeout(resolve, Math.random() * 5)), status: 200 };
  });
  database = await freshPostgresDatabase();
  const env = { DELIVERY_WORKERS: String(WORKERS), DELIVERY_CONCURRENCY: '24', DELIVERY_CONCURRENCY_PER_WEBHOOK: '16' };
  gateways.sqlite = await startGatewayProcess({ ...env, DATABASE_PATH: join(dir, 'gateway.db') });
  gateways.postgres = await startGatewayProcess({ ...env, DATABASE_URL: database.url });
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The lease holders that registered: each engine thread does before its first claim. */
async function holders(engine: Engine): Promise<string[]> {
  if (engine === 'sqlite') {
    const db = new SQLite(join(dir, 'gateway.db'), { readonly: true });
    try {
      return (db.prepare('select owner from instances').all() as { owner: string }[]).map((row) => row.owner);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<{ owner: string }>('select owner from instances')).rows.map((row) => row.owner);
  } finally {
    await client.end();
  }
}

/** A deliveryAttempts subscription over SSE, counting what arrives. */
function streamAttempts(gateway: GatewayProcess) {
  const controller = new AbortController();
  let count = 0;
  let opened!: () => void;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  void (async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('subscription { deliveryAttempts { id } }')}`, {
      headers: { accept: 'text/event-stream', 'x-api-key': gateway.key },
      signal: controller.signal,
    });
    opened();
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      const events = text.split('\n\n');
      text = events.pop()!;
      count += events.filter((event) => event.includes('"deliveryAttempts"')).length;
    }
  })().catch(() => {});
  return { ready, count: () => count, close: () => controller.abort() };
}

describe.each(['sqlite', 'postgres'] as const)('%s: DELIVERY_WORKERS=3', (engine) => {
  it('attempts every delivery exactly once, every thread a lease holder, and the main thread streams every attempt', async () => {
    const gateway = gateways[engine];
    const streamed = streamAttempts(gateway);
    await streamed.ready;
    const paths: string[] = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const path = `/${engine}/hook-${i}`;
      const created = await ask(gateway, CreateWebhook, { input: { url: `${receiver.url}${path}`, topics: ['burst.*'] } });
      if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
      paths.push(path);
    }
    const events: string[] = [];
    // Publishes side by side, as producers send them.
    for (let i = 0; i < EVENTS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) => ask(gateway, Publish, { input: { topic: 'burst.created', payload: { n: i + j } } })),
      );
      for (const result of batch) {
        if (result.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(result.publishEvent));
        events.push(result.publishEvent.event.id);
      }
    }
    const expected = EVENTS * WEBHOOKS;
    for (let i = 0; i < 3_000; i++) {
      const counts = await ask(gateway, Succeeded, {});
      if (counts.succeeded.totalCount === expected) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await ask(gateway, Succeeded, {})).toEqual({ succeeded: { totalCount: expected }, all: { totalCount: expected } });
    // A window for any second attempt to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const twice: string[] = [];
    const missing: string[] = [];
    for (const path of paths) {
      for (const event of events) {
        const count = received.get(`${path} ${event}`) ?? 0;
        if (count === 0) missing.push(`${path} ${event}`);
        if (count > 1) twice.push(`${path} ${event} x${count}`);
      }
    }
    expect({ missing, twice }).toEqual({ missing: [], twice: [] });
    expect(streamed.count()).toBe(expected);
    streamed.close();
    const owners = await holders(engine);
    for (let n = 1; n <= WORKERS; n++) expect(owners.some((owner) => owner.includes(`/engine-${n}#`))).toBe(true);
  });
});
