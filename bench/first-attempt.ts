/*
 * Publish request to first attempt at the receiver, and where that time goes: publishEvent over
 * GraphQL to the real server at a steady rate, each payload carrying the time it was sent; the
 * receiver (its own process) notes when each first attempt arrived (same machine, same clock).
 * The stages come from the server's own trace, webhook_gateway_delivery_stage_seconds on
 * /metrics, read before and after the measured sends: the bucket differences, as quantiles.
 *
 * Scenario first-attempt: 100 events/s x 10 webhooks for 10 s, on SQLite and on Postgres (one
 * instance; the tests' throwaway server). The delivery scenario runs the same function at half
 * the sustainable publish rate to one webhook.
 */
import { join } from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { STAGE_BUCKETS, STAGES, type Stage } from '../src/delivery/stage-trace.ts';
import { startThrowawayPostgres } from '../test/helpers/postgres-server.ts';
import {
  createWebhook,
  log,
  orderPayload,
  removeDir,
  round,
  scratchDir,
  startGatewayProcess,
  startReceiver,
  type Comparison,
  type ScenarioResult,
} from './lib.ts';

const WARMUP_SECONDS = 3;
// /metrics answers on the main port to this bearer token.
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const STAGE_METRIC = 'webhook_gateway_delivery_stage_seconds';
const PUBLISH_CONNECTIONS = 16;
// Given up on when no first attempt has arrived for this long.
const STALL_MS = 20_000;

export type FirstAttemptSettings = { perSecond: number; seconds: number; webhooks: number; concurrency: number; perWebhook: number };

/** p50 and p99 in ms; for a stage, estimated within its histogram bucket as Prometheus's histogram_quantile does. */
type Quantiles = { p50Ms: number; p99Ms: number };

export type FirstAttemptResult = FirstAttemptSettings & {
  publishes: number;
  firstAttempts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  stages: Record<Stage, Quantiles & { count: number }>;
};

/** Each stage's cumulative bucket counts (STAGE_BUCKETS, then +Inf) on the claimed path, from the exposition text. */
function stageBuckets(text: string): Record<Stage, number[]> {
  const bounds = [...STAGE_BUCKETS.map(String), '+Inf'];
  const read = (stage: Stage) =>
    bounds.map((le) => {
      const line = `${STAGE_METRIC}_bucket{stage="${stage}",path="claimed",le="${le}"} `;
      const at = text.indexOf(line);
      if (at < 0) throw new Error(`first-attempt: /metrics has no ${line.trim()}`);
      return Number(text.slice(at + line.length, text.indexOf('\n', at)));
    });
  return Object.fromEntries(STAGES.map((stage) => [stage, read(stage)])) as Record<Stage, number[]>;
}

/**
 * The q-quantile of the observations between two scrapes, from their cumulative bucket counts:
 * linear within the bucket it falls in (from 0 for the first); past the last bound, that bound.
 */
function bucketQuantile(before: readonly number[], after: readonly number[], q: number): number {
  const counts = after.map((n, i) => n - before[i]!);
  const total = counts.at(-1)!;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  const i = counts.findIndex((n) => n >= rank);
  if (i >= STAGE_BUCKETS.length) return STAGE_BUCKETS.at(-1)!;
  const lower = i === 0 ? 0 : STAGE_BUCKETS[i - 1]!;
  const below = i === 0 ? 0 : counts[i - 1]!;
  return lower + ((STAGE_BUCKETS[i]! - lower) * (rank - below)) / (counts[i]! - below);
}

/** Reads until `count` of what it read reaches `target`, or has not grown for STALL_MS; the last read. */
async function untilCounted<T>(read: () => Promise<T>, count: (value: T) => number, target: number): Promise<T> {
  let last = -1;
  for (let progressAt = performance.now(); ; ) {
    const value = await read();
    const now = count(value);
    if (now >= target || performance.now() - progressAt >= STALL_MS) return value;
    if (now > last) progressAt = performance.now();
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The real server on `database` (DATABASE_URL, or a SQLite file in `dir`), published to at `perSecond` for `seconds`. */
export async function firstAttemptRun(params: {
  dir: string;
  label: string;
  databaseUrl: string | null;
  receiverUrl: string;
  settings: FirstAttemptSettings;
}): Promise<FirstAttemptResult> {
  const { settings, receiverUrl } = params;
  const gateway = await startGatewayProcess(join(params.dir, `first-attempt-${params.label}.db`), {
    ...(params.databaseUrl ? { DATABASE_URL: params.databaseUrl } : {}),
    DELIVERY_CONCURRENCY: String(settings.concurrency),
    DELIVERY_CONCURRENCY_PER_WEBHOOK: String(settings.perWebhook),
    METRICS_TOKEN,
  });
  const scrape = async () =>
    stageBuckets(
      await (await fetch(`${new URL(gateway.url).origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
    );
  // Paced sends over at most PUBLISH_CONNECTIONS connections: a server falling behind makes the
  // sends queue here (their sentAt already taken) instead of opening connections past its cap.
  const agent = new Agent({ connections: PUBLISH_CONNECTIONS });
  // The receiver keeps every latency it has seen: this run's are those after the ones already there.
  const latencies = async () => ((await (await fetch(`${receiverUrl}/latencies`)).json()) as { latencies: number[] }).latencies;
  try {
    for (let i = 0; i < settings.webhooks; i++) {
      await createWebhook(gateway.url, gateway.key, { url: `${receiverUrl}/latency/${i}`, topics: ['order.*'] });
    }
    const query = 'mutation Publish($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }';
    // The first WARMUP_SECONDS warm the server (compiled code, caches) and are not measured.
    const send = async (count: number, warmup: boolean) => {
      const started = performance.now();
      const sent: Promise<unknown>[] = [];
      for (let n = 0; n < count; n++) {
        const wait = started + (n * 1000) / settings.perSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sent.push(
          request(gateway.url, {
            dispatcher: agent,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
            body: JSON.stringify({
              query,
              variables: { input: { topic: 'order.created', payload: { ...orderPayload(n), sentAt: Date.now(), warmup } } },
            }),
          }).then((response) => response.body.text()),
        );
      }
      await Promise.all(sent);
    };
    await send(Math.round(settings.perSecond * WARMUP_SECONDS), true);
    // Warm-up deliveries still in flight would land in the measured stages: wait until they are all in.
    const warm = Math.round(settings.perSecond * WARMUP_SECONDS) * settings.webhooks;
    await untilCounted(scrape, (stages) => stages.record_commit.at(-1)!, warm);
    const offset = (await latencies()).length;
    const before = await scrape();
    const publishes = Math.round(settings.perSecond * settings.seconds);
    await send(publishes, false);
    const expected = publishes * settings.webhooks;
    // A server behind its load drains a backlog after the sends.
    const arrived = await untilCounted(
      async () => (await latencies()).slice(offset),
      (all) => all.length,
      expected,
    );
    if (arrived.length !== expected)
      throw new Error(`first-attempt (${params.label}): ${arrived.length}/${expected} first attempts arrived`);
    // Every attempt recorded, so every stage of this run is in the counts.
    const after = await untilCounted(scrape, (stages) => stages.record_commit.at(-1)! - before.record_commit.at(-1)!, expected);
    const sorted = [...arrived].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const ms = (seconds: number) => round(seconds * 1000, 2);
    const stages = Object.fromEntries(
      STAGES.map((stage) => [
        stage,
        {
          count: after[stage].at(-1)! - before[stage].at(-1)!,
          p50Ms: ms(bucketQuantile(before[stage], after[stage], 0.5)),
          p99Ms: ms(bucketQuantile(before[stage], after[stage], 0.99)),
        },
      ]),
    ) as FirstAttemptResult['stages'];
    const result = { ...settings, publishes, firstAttempts: expected, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1)!, stages };
    log(
      `first-attempt: ${params.label}: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; stages p50/p99 ms: ${STAGES.map((s) => `${s} ${stages[s].p50Ms}/${stages[s].p99Ms}`).join(', ')}`,
    );
    return result;
  } finally {
    await agent.close();
    await gateway.stop();
  }
}

/** The rows of one run: first attempt p99 against its goal, then each stage's p50 and p99 (reported). */
export function firstAttemptRows(label: string, run: FirstAttemptResult, goalMs: number): Comparison[] {
  const reported = (metric: string, ours: number): Comparison => ({
    metric,
    unit: 'ms',
    ours,
    baseline: null,
    baselineLabel: null,
    ratio: null,
    goal: 'reported (no goal set)',
    pass: null,
  });
  return [
    {
      ...reported(`publishEvent request to first attempt at the receiver, p99, ${label}`, run.p99Ms),
      goal: `<= ${goalMs} ms`,
      pass: run.p99Ms <= goalMs,
    },
    reported(`publishEvent request to first attempt at the receiver, p50, ${label}`, run.p50Ms),
    ...STAGES.flatMap((stage) => [
      reported(`stage ${stage} p50, ${label}`, run.stages[stage].p50Ms),
      reported(`stage ${stage} p99, ${label}`, run.stages[stage].p99Ms),
    ]),
  ];
}

export async function runFirstAttempt(
  settings: FirstAttemptSettings,
): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('first-attempt');
  const receiver = await startReceiver();
  const server = await startThrowawayPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    const sqlite = await firstAttemptRun({ dir, label: 'sqlite', databaseUrl: null, receiverUrl: receiver.url, settings });
    await admin.query('create database bench_first_attempt');
    const url = new URL(server.url);
    url.pathname = '/bench_first_attempt';
    const postgres = await firstAttemptRun({ dir, label: 'postgres', databaseUrl: url.toString(), receiverUrl: receiver.url, settings });
    const rate = `${settings.perSecond} events/s x ${settings.webhooks} webhooks`;
    return {
      setup: [
        `publishEvent over GraphQL to the real server (its own process, engine in its default threads), ${rate}, paced, for ${settings.seconds} s after ${WARMUP_SECONDS} s of warm-up; every event matches all ${settings.webhooks} webhooks`,
        `DELIVERY_CONCURRENCY=${settings.concurrency}, DELIVERY_CONCURRENCY_PER_WEBHOOK=${settings.perWebhook}`,
        'receiver: node:http in its own process, 200 at once; it notes Date.now() minus the payload sentAt of each first attempt',
        "stages: webhook_gateway_delivery_stage_seconds from the server's /metrics before and after the measured sends; quantiles estimated within buckets (linear, as histogram_quantile); 10,000 ms means at or past the last bound (10 s)",
        "SQLite file in the scratch folder; Postgres: the tests' throwaway server (fsync off), one instance",
      ],
      comparisons: [...firstAttemptRows(`SQLite, ${rate}`, sqlite, 10), ...firstAttemptRows(`Postgres 1 instance, ${rate}`, postgres, 40)],
      details: { sqlite, postgresOneInstance: postgres },
      notes: [],
    };
  } finally {
    await admin.end();
    server.stop();
    await receiver.stop();
    removeDir(dir);
  }
}
