import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { decodeTime } from 'ulid';
import { createStageTrace, STAGE_BUCKETS, type StageTrace } from '../delivery/stage-trace.ts';
import type { AttemptRow } from '../store/db.ts';

/*
 * What Prometheus scrapes at /metrics. Labels are only ever small fixed sets (outcome, trigger,
 * operation type, result): never a tenant, webhook, key or event id, which would make one series
 * per customer and put identifiers in a system that is not tenant-aware.
 */

export const METRIC_PREFIX = 'webhook_gateway_';

/** What the queue looks like now; read from the database at scrape time. */
export type QueueState = { dueNow: number; oldestDueAgeSeconds: number; leased: number; failed: number };

type MetricsSources = {
  queue: () => Promise<QueueState>;
  liveSubscriptions: () => number;
  liveConnections: () => number;
};

export type OperationResult = 'ok' | 'error' | 'refused';

/** A delivery id is `dlv_` and a ULID, whose first characters are its creation time: no query needed. */
function createdAt(deliveryId: string): number | null {
  try {
    return decodeTime(deliveryId.slice(deliveryId.indexOf('_') + 1));
  } catch {
    return null; // not a ULID (rows made by hand in tests): nothing to observe
  }
}

export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const p = METRIC_PREFIX;

  const attempts = new Counter({
    name: `${p}attempts_total`,
    help: 'Delivery attempts finished, by outcome and trigger.',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${p}attempt_duration_seconds`,
    help: 'Time from sending an attempt to its outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const firstAttempt = new Histogram({
    name: `${p}publish_to_first_attempt_seconds`,
    help: 'Time from a delivery being created (the publish) to the start of its first attempt.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const stages = createStageTrace();
  registry.registerMetric(
    stageHistogram(
      `${p}delivery_stage_seconds`,
      'Where the time from a publish request to its recorded attempt goes, by stage: publish_commit (request received -> ' +
        'its transaction commits), handoff (due, i.e. the later of created and next attempt, -> the attempt launched after its claim ' +
        'commits), request_start (launched -> the HTTP request made), response (request -> response read), record_commit ' +
        '(response -> the recording transaction commits); and by path: claimed (taken by the claim query) or fresh (handed over ' +
        'in memory at publish, not built yet).',
      stages,
    ),
  );
  const operations = new Counter({
    name: `${p}graphql_operations_total`,
    help: 'GraphQL operations by type (query, mutation, subscription) and result (ok, error, refused before execution).',
    labelNames: ['operation_type', 'result'] as const,
    registers: [registry],
  });

  // Gauges read at scrape time, so an idle gateway does no work for them between scrapes.
  const gauge = (name: string, help: string, read: (state: QueueState) => number) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      registers: [registry],
      async collect() {
        this.set(read(await queueOnce()));
      },
    });
  // One query per scrape for the four queue gauges.
  let pending: Promise<QueueState> | null = null;
  const queueOnce = () => (pending ??= sources.queue().finally(() => setImmediate(() => (pending = null))));
  gauge('deliveries_due', 'Deliveries whose next attempt is due now and not leased by a worker.', (q) => q.dueNow);
  gauge(
    'deliveries_oldest_due_age_seconds',
    'How long the longest-waiting due delivery has been due (0 when none).',
    (q) => q.oldestDueAgeSeconds,
  );
  gauge('deliveries_leased', 'Deliveries a worker holds right now (attempts in flight).', (q) => q.leased);
  gauge('deliveries_failed', 'Deliveries FAILED and kept (retention), over all tenants.', (q) => q.failed);
  new Gauge({
    name: `${p}live_subscriptions`,
    help: 'Open subscriptions, graphql-ws and SSE.',
    registers: [registry],
    collect() {
      this.set(sources.liveSubscriptions());
    },
  });
  new Gauge({
    name: `${p}live_connections`,
    help: 'Open graphql-ws connections.',
    registers: [registry],
    collect() {
      this.set(sources.liveConnections());
    },
  });

  return {
    registry,
    /** Where the main thread observes stages (publishes; the worker when DELIVERY_WORKERS=0) and adds what threads took. */
    stages,
    /** Called once per recorded attempt (where attempts are announced to subscribers). */
    attemptRecorded(attempt: AttemptRow) {
      attempts.inc({ outcome: attempt.outcome, trigger: attempt.trigger });
      duration.observe({ outcome: attempt.outcome }, attempt.duration_ms / 1000);
      if (attempt.attempt_number === 1 && attempt.trigger === 'SCHEDULED') {
        const created = createdAt(attempt.delivery_id);
        if (created !== null) firstAttempt.observe(Math.max(0, attempt.started_at - created) / 1000);
      }
    },
    operation(type: string, result: OperationResult) {
      operations.inc({ operation_type: type, result });
    },
    /** The Prometheus text exposition. */
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/**
 * A histogram read from a StageTrace at scrape time, in prom-client's exposition shape: the counts
 * arrive as arrays from the delivery threads, which a prom-client Histogram (one observe per value)
 * cannot take in.
 */
function stageHistogram(name: string, help: string, trace: StageTrace): Metric {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: trace
        .series()
        .flatMap(({ stage, path, buckets, count, sum }) => [
          ...buckets.map((value, i) => ({ metricName: `${name}_bucket`, labels: { stage, path, le: STAGE_BUCKETS[i] ?? '+Inf' }, value })),
          { metricName: `${name}_sum`, labels: { stage, path }, value: sum },
          { metricName: `${name}_count`, labels: { stage, path }, value: count },
        ]),
    }),
  };
  // prom-client types only its own classes as metrics; its registry asks no more than the above of one.
  return metric as unknown as Metric;
}

export type Metrics = ReturnType<typeof createMetrics>;
