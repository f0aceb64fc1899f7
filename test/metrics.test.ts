import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, createWebhookAt, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

// GET /metrics on the real server process, read with a Prometheus text-format parser.

const TOKEN = 'metrics-token-0123456789';
// How long the receiver's /slow endpoint takes to answer.
const SLOW_MS = 60;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let gateway: GatewayProcess;
let receiver: Receiver;
let metricsUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'gateway-metrics-'));

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) =>
    request.path.startsWith('/fail')
      ? { status: 503, body: 'down' }
      : request.path.startsWith('/slow')
        ? { wait: sleep(SLOW_MS), status: 200 }
        : { status: 200, body: 'ok' },
  );
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), METRICS_TOKEN: TOKEN, METRICS_PORT: '0' });
  const listening = gateway.server.lines.find((line) => line.includes('gateway listening'))!;
  metricsUrl = (JSON.parse(listening) as { metrics: string }).metrics;
});
afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scrapeText(url = metricsUrl): Promise<string> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

async function scrape(url = metricsUrl): Promise<Map<string, Family>> {
  return new Map(parsePrometheusTextFormat(await scrapeText(url)).map((family) => [family.name, family]));
}

/** A stage's observations and their sum in seconds, read from the text (the parser keeps neither for a labelled histogram). */
function stageTotals(text: string, stage: string): { count: number; sum: number } {
  const read = (suffix: string) =>
    Number(
      new RegExp(`^webhook_gateway_delivery_stage_seconds_${suffix}\\{stage="${stage}",path="claimed"\\} (\\S+)$`, 'm').exec(text)?.[1],
    );
  return { count: read('count'), sum: read('sum') };
}

/** The value of a counter or gauge sample whose labels include `labels` (0 when absent). */
function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const sample = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample ? Number(sample.value) : 0;
}

/** Observations of a histogram over all its label sets: its +Inf buckets (this parser keeps no _count). */
const histogramCount = (families: Map<string, Family>, name: string) =>
  families.get(name)?.metrics.reduce((sum, m) => sum + Number(m.buckets?.['+Inf'] ?? 0), 0) ?? 0;

describe('GET /metrics', () => {
  it('answers only with the token on the main port, and on 127.0.0.1 at METRICS_PORT', async () => {
    const main = `${new URL(gateway.url).origin}/metrics`;
    expect((await fetch(main)).status).toBe(401);
    expect((await fetch(main, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(metricsUrl)).status).toBe(401);
    expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
    const families = await scrape(main);
    expect(families.get('webhook_gateway_process_cpu_seconds_total')?.type).toBe('COUNTER');
  });

  it('moves the counters as deliveries happen, with no tenant or webhook ids as labels', async () => {
    const ok = await createWebhookAt(gateway, `${receiver.url}/ok`);
    const before = await scrape();
    for (let n = 0; n < 3; n++) {
      const data = await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload: { n } } });
      expect(data.publishEvent.__typename).toBe('PublishEventSuccess');
    }
    await receiver.received(3);
    // The attempt is recorded just after the endpoint answered: scrape until it is counted.
    let after = await scrape();
    for (let round = 0; round < 200 && value(after, 'webhook_gateway_attempts_total', { outcome: 'SUCCEEDED' }) < 3; round++)
      after = await scrape();

    expect(
      value(after, 'webhook_gateway_attempts_total', { outcome: 'SUCCEEDED', trigger: 'SCHEDULED' }) -
        value(before, 'webhook_gateway_attempts_total', { outcome: 'SUCCEEDED', trigger: 'SCHEDULED' }),
    ).toBe(3);
    expect(
      histogramCount(after, 'webhook_gateway_attempt_duration_seconds') -
        histogramCount(before, 'webhook_gateway_attempt_duration_seconds'),
    ).toBe(3);
    expect(histogramCount(after, 'webhook_gateway_publish_to_first_attempt_seconds')).toBe(3);
    expect(value(after, 'webhook_gateway_graphql_operations_total', { operation_type: 'mutation', result: 'ok' })).toBeGreaterThanOrEqual(
      4,
    );
    for (const name of [
      'deliveries_due',
      'deliveries_oldest_due_age_seconds',
      'deliveries_leased',
      'deliveries_failed',
      'live_subscriptions',
      'live_connections',
    ]) {
      expect(after.get(`webhook_gateway_${name}`)?.type, name).toBe('GAUGE');
    }

    const text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).not.toContain(ok);
    expect(text).not.toMatch(/\b(wh|tnt|ten|evt|dlv|att|key)_[0-9A-Z]{26}\b/);
    expect(text).not.toContain(gateway.key);
    const labelNames = new Set([...after.values()].flatMap((f) => f.metrics.flatMap((m) => Object.keys(m.labels ?? {}))));
    for (const name of labelNames)
      expect([
        'outcome',
        'trigger',
        'operation_type',
        'result',
        'le',
        'version',
        'major',
        'minor',
        'patch',
        'space',
        'kind',
        'type',
        'stage',
        'path',
      ]).toContain(name);
  });

  it('counts failures and refused operations, and shows FAILED deliveries in the queue gauges', async () => {
    const created = await ask(gateway, CreateWebhook, {
      input: { url: `${receiver.url}/fail`, topics: ['message.*'], retryPolicy: { maxRetries: 0 } },
    });
    expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');
    const before = await scrape();
    const received = receiver.requests.length;
    await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload: { fail: true } } }).catch(() => undefined);
    await receiver.received(received + 2);
    let after = await scrape();
    for (let round = 0; round < 200 && value(after, 'webhook_gateway_attempts_total', { outcome: 'HTTP_ERROR' }) < 1; round++)
      after = await scrape();
    expect(
      value(after, 'webhook_gateway_attempts_total', { outcome: 'HTTP_ERROR' }) -
        value(before, 'webhook_gateway_attempts_total', { outcome: 'HTTP_ERROR' }),
    ).toBe(1);

    const refused = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
      body: JSON.stringify({ query: '{ noSuchField }' }),
    });
    expect(((await refused.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
    const last = await scrape();
    expect(value(last, 'webhook_gateway_graphql_operations_total', { operation_type: 'query', result: 'refused' })).toBeGreaterThanOrEqual(
      1,
    );
    // No retries: the failing webhook's delivery is FAILED at once, and nothing is left due.
    expect(value(last, 'webhook_gateway_deliveries_failed')).toBe(1);
    expect(value(last, 'webhook_gateway_deliveries_due')).toBe(0);
    expect(value(last, 'webhook_gateway_deliveries_oldest_due_age_seconds')).toBe(0);
  });
});

describe('the delivery stage trace', () => {
  it('counts each stage once per delivery made in the engine thread (publish_commit once per publish), with plausible sums', async () => {
    await createWebhookAt(gateway, `${receiver.url}/slow`, { topics: ['trace.*'] });
    const stages = ['publish_commit', 'handoff', 'request_start', 'response', 'record_commit'];
    const totals = (text: string) => Object.fromEntries(stages.map((stage) => [stage, stageTotals(text, stage)]));
    const before = totals(await scrapeText());
    for (let n = 0; n < 3; n++) {
      const data = await ask(gateway, PublishEvent, { input: { topic: 'trace.created', payload: { n } } });
      expect(data.publishEvent.__typename).toBe('PublishEventSuccess');
    }
    // The last stage is counted once the attempt's record commits, just after the receiver answered.
    let after = totals(await scrapeText());
    for (let round = 0; round < 200 && !(after.record_commit!.count - before.record_commit!.count >= 3); round++) {
      await sleep(25);
      after = totals(await scrapeText());
    }

    const added = Object.fromEntries(
      stages.map((stage) => [stage, { count: after[stage]!.count - before[stage]!.count, sum: after[stage]!.sum - before[stage]!.sum }]),
    );
    for (const stage of stages) expect(added[stage]!.count, stage).toBe(3);
    // The receiver answers SLOW_MS late: the response stage holds that, and no stage holds seconds.
    // Every stage but handoff is timed in fractions of a millisecond; handoff counts whole ones, from the row's created_at.
    expect(added.response!.sum).toBeGreaterThanOrEqual((3 * SLOW_MS) / 1000);
    for (const stage of stages) {
      expect(added[stage]!.sum, stage).toBeGreaterThan(stage === 'handoff' ? -1e-9 : 0);
      expect(added[stage]!.sum, stage).toBeLessThan(3 * 2);
    }
  });
});

describe('queue gauges on both engines', () => {
  for (const engine of ['sqlite', 'postgres'] as const) {
    it(`${engine}: counts due and leased deliveries and ages the oldest due one while an endpoint stalls`, async () => {
      const database = engine === 'postgres' ? await freshPostgresDatabase() : null;
      const stalled = await startReceiver();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      stalled.reply(() => ({ wait: held, status: 200 }));
      try {
        const env: Record<string, string> = database ? { DATABASE_URL: database.url } : { DATABASE_PATH: join(dir, `queue-${engine}.db`) };
        const gw = await startGatewayProcess({ ...env, METRICS_TOKEN: TOKEN, DELIVERY_CONCURRENCY_PER_WEBHOOK: '1' });
        const url = `${new URL(gw.url).origin}/metrics`;
        await createWebhookAt(gw, `${stalled.url}/stall`);
        for (let n = 0; n < 3; n++) await ask(gw, PublishEvent, { input: { topic: 'message.created', payload: { n } } });
        await stalled.received(1);
        // One attempt hangs at the endpoint (leased); the other two wait behind the webhook's cap of one.
        const gauges = async () => {
          const families = await scrape(url);
          return {
            due: value(families, 'webhook_gateway_deliveries_due'),
            leased: value(families, 'webhook_gateway_deliveries_leased'),
            age: value(families, 'webhook_gateway_deliveries_oldest_due_age_seconds'),
          };
        };
        await expect.poll(async () => (await gauges()).age, { timeout: 20_000, interval: 100 }).toBeGreaterThan(0.2);
        expect(await gauges()).toMatchObject({ due: 2, leased: 1 });
        release();
        await stalled.received(3);
        await expect.poll(gauges, { timeout: 20_000, interval: 100 }).toEqual({ due: 0, leased: 0, age: 0 });
      } finally {
        release();
        await stalled.close();
        await database?.drop();
      }
    });
  }
});
