/*
 * Backlog (issue 26 item 3): 1,000,000 deliveries due to an endpoint that refuses connections.
 *
 * The gateway (its own process, `npm start`'s build) creates two webhooks through the API: one
 * at a closed port on 127.0.0.1 (the backlog's) and one at an ordinary receiver. It is stopped,
 * the backlog is seeded straight into its SQLite file (generateBacklog: one event per delivery,
 * all due, created over the last hour), and it is started again on that file. While the engine
 * works through the backlog (each attempt refused, recorded, rescheduled), publishes to the other
 * webhook are sent at a steady rate; their latency is compared with the same publishes to an
 * idle gateway on a fresh file in the same run. RSS is sampled every second, and /metrics is read
 * for the backlog's size and age.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Agent, request } from 'undici';
import {
  createWebhook,
  type GatewayProcess,
  idFactory,
  log,
  memoryOf,
  percentile,
  removeDir,
  restartGatewayProcess,
  round,
  type ScenarioResult,
  scratchDir,
  sleep,
  startGatewayProcess,
  startReceiver,
} from './lib.ts';

export type BacklogSettings = { deliveries: number; publishesPerSecond: number; seconds: number };

const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const RSS_LIMIT_MB = 300;
/**
 * The generation script: `count` events of `topic`, each with one PENDING delivery to `webhookId`,
 * created over the hour before `now` and due at creation. Written with the server stopped, in
 * transactions of 20,000 rows; the tenant's stored bytes are not adjusted (nothing here reads them).
 */
export function generateBacklog(path: string, webhookId: string, count: number, now: number): void {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  const { tenant_id: tenantId } = sqlite.prepare('select tenant_id from webhooks where id = ?').get(webhookId) as { tenant_id: string };
  const eventId = idFactory('evt');
  const deliveryId = idFactory('dlv');
  const insertEvent = sqlite.prepare(
    'insert into events (id, tenant_id, topic, payload, channel_type, echo, idempotency_key, delivery_count, created_at) values (?, ?, ?, ?, null, 0, null, 1, ?)',
  );
  const insertDelivery = sqlite.prepare(
    'insert into deliveries (id, tenant_id, event_id, webhook_id, status, attempt_count, next_attempt_at, next_trigger, locked_until, created_at, updated_at) values (?, ?, ?, ?, ?, 0, ?, null, null, ?, ?)',
  );
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const at = now - 3_600_000 + Math.floor((n * 3_600_000) / count);
      const event = eventId(at);
      insertEvent.run(event, tenantId, 'backlog.created', `{"n":${n}}`, at);
      insertDelivery.run(deliveryId(at), tenantId, event, webhookId, 'PENDING', at, at, at);
    }
  });
  for (let from = 0; from < count; from += 20_000) batch(from, Math.min(count, from + 20_000));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

/** A port on 127.0.0.1 that refuses connections: listened on once, then closed. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PUBLISH = 'mutation Publish($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }';

/** Publishes at a steady rate for `seconds`; each request's latency in ms, sorted. */
async function pacedPublishes(gateway: GatewayProcess, perSecond: number, seconds: number, sample: () => void): Promise<number[]> {
  const agent = new Agent({ connections: 8 });
  const latencies: number[] = [];
  const started = performance.now();
  const sent: Promise<void>[] = [];
  const count = perSecond * seconds;
  let sampledAt = started;
  for (let n = 0; n < count; n++) {
    const wait = started + (n * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    if (performance.now() - sampledAt >= 1000) {
      sample();
      sampledAt = performance.now();
    }
    const at = performance.now();
    sent.push(
      request(gateway.url, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
        body: JSON.stringify({ query: PUBLISH, variables: { input: { topic: 'order.created', payload: { n } } } }),
      }).then(async (response) => {
        const body = (await response.body.json()) as { data?: { publishEvent: { __typename: string } } };
        if (body.data?.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(`publish failed: ${JSON.stringify(body)}`);
        latencies.push(performance.now() - at);
      }),
    );
  }
  await Promise.all(sent);
  await agent.close();
  return latencies.sort((a, b) => a - b);
}

/** A gauge's value from /metrics. */
async function gauge(gateway: GatewayProcess, name: string): Promise<number> {
  const text = await (
    await fetch(`${new URL(gateway.url).origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`webhook_gateway_${name} `));
  if (!line) throw new Error(`/metrics has no webhook_gateway_${name}`);
  return Number(line.split(' ')[1]);
}

export async function runBacklog(settings: BacklogSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('backlog');
  const receiver = await startReceiver();
  const env = { METRICS_TOKEN, AUTO_DISABLE_AFTER_FAILURES: '100000' };
  try {
    const dead = `http://127.0.0.1:${await refusedPort()}/hook`;
    const measure = async (gateway: GatewayProcess) => {
      let rssMaxMb = memoryOf(gateway.pid).rssMb;
      const sample = () => {
        rssMaxMb = Math.max(rssMaxMb, memoryOf(gateway.pid).rssMb);
      };
      await pacedPublishes(gateway, settings.publishesPerSecond, 2, sample);
      const latencies = await pacedPublishes(gateway, settings.publishesPerSecond, settings.seconds, sample);
      sample();
      return { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2), rssMaxMb };
    };

    log('backlog: idle gateway');
    const idleGateway = await startGatewayProcess(join(dir, 'idle.db'), env);
    await createWebhook(idleGateway.url, idleGateway.key, { url: `${receiver.url}/orders`, topics: ['order.*'] });
    const idle = await measure(idleGateway);
    await idleGateway.stop();

    const path = join(dir, 'backlog.db');
    const first = await startGatewayProcess(path, env);
    const deadId = await createWebhook(first.url, first.key, { url: dead, topics: ['backlog.*'] });
    await createWebhook(first.url, first.key, { url: `${receiver.url}/orders`, topics: ['order.*'] });
    await first.stop();
    log(`backlog: seeding ${settings.deliveries.toLocaleString('en')} deliveries`);
    const seedStarted = performance.now();
    generateBacklog(path, deadId, settings.deliveries, Date.now());
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);

    const gateway = await restartGatewayProcess(path, first.key, env);
    try {
      const dueAtStart = await gauge(gateway, 'deliveries_due');
      const ageAtStart = await gauge(gateway, 'deliveries_oldest_due_age_seconds');
      log(`backlog: ${dueAtStart} due, oldest ${ageAtStart} s; publishing beside it`);
      const busy = await measure(gateway);
      const attempted = await (await fetch(`${receiver.url}/count`)).json();
      const dueAtEnd = await gauge(gateway, 'deliveries_due');
      const ratio = round(busy.p99Ms / idle.p99Ms, 2);
      return {
        setup: [
          `${settings.deliveries.toLocaleString('en')} deliveries due to a closed port on 127.0.0.1 (connection refused), seeded by generateBacklog in ${seedSeconds} s; AUTO_DISABLE_AFTER_FAILURES=100000`,
          `publishEvent to a second webhook (an ordinary receiver) at ${settings.publishesPerSecond}/s for ${settings.seconds} s after 2 s of warm-up, beside the backlog and, as the baseline, on an idle gateway in the same run`,
          'RSS: VmRSS of the server process sampled every second while publishing; backlog size and age: /metrics gauges',
        ],
        comparisons: [
          {
            metric: 'publishEvent p99 beside a 1M backlog',
            ours: busy.p99Ms,
            baseline: idle.p99Ms,
            baselineLabel: 'idle gateway',
            ratio,
            unit: 'ms',
            goal: '<= 2x idle',
            pass: ratio <= 2,
          },
          {
            metric: 'server RSS, max while working the backlog',
            ours: busy.rssMaxMb,
            baseline: null,
            baselineLabel: null,
            ratio: null,
            unit: 'MB',
            goal: `< ${RSS_LIMIT_MB} MB`,
            pass: busy.rssMaxMb < RSS_LIMIT_MB,
          },
          {
            metric: 'deliveries_due on /metrics at start, and oldest due age (s)',
            ours: dueAtStart,
            baseline: ageAtStart,
            baselineLabel: 'oldest due age, s',
            ratio: null,
            unit: '',
            goal: 'shows the backlog and its age',
            pass: dueAtStart >= settings.deliveries * 0.99 && ageAtStart >= 3_000,
          },
        ],
        details: { idle, busy, dueAtStart, ageAtStart, dueAtEnd, receiverCount: attempted, seedSeconds },
        notes: [
          `Due at the end of the window: ${dueAtEnd.toLocaleString('en')} (attempts refused and rescheduled meanwhile: ${(dueAtStart - dueAtEnd).toLocaleString('en')}).`,
          "Claims stay indexed: the growth scenario prints the claim's query plan at 1M rows.",
        ],
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await receiver.stop();
    removeDir(dir);
  }
}
