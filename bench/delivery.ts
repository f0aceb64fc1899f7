/*
 * Delivery: publish events to 10 webhooks whose receiver (its own process) answers 200 at once;
 * deliveries per second from the first publish to the moment every attempt is recorded. The
 * gateway runs in this process so publishing goes straight to `services.events.publish` and
 * completion is seen on `feed.listen('attempt', ...)`, which the worker calls after each
 * attempt's transaction commits. Baseline: a plain undici loop POSTing the same bodies to the
 * same receiver with the same concurrency (DELIVERY_CONCURRENCY). Goal (issue 14): >= 35%, with
 * the engine on the main thread, in the default number of worker threads, and in one per core.
 *
 * Also: publishEvent over GraphQL (the real server in its own process, autocannon), to 10
 * webhooks and to 1, against bare yoga hello-world with the same settings (goal: >= 25%).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { envelope } from '../src/delivery/request.ts';
import { firstAttemptRows, firstAttemptRun } from './first-attempt.ts';
import {
  compare,
  createWebhook,
  load,
  log,
  orderPayload,
  removeDir,
  round,
  scratchDir,
  startBenchServer,
  startGatewayProcess,
  startInProcessGateway,
  startReceiver,
  type LoadSettings,
  type ScenarioResult,
} from './lib.ts';

export type DeliverySettings = {
  events: number;
  webhooks: number;
  concurrency: number;
  perWebhook: number;
  graphqlPublish: LoadSettings;
};

/** The engine on the main thread, in the default number of threads, and in one per core. */
const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);
const WORKER_COUNTS = [...new Set([0, DEFAULT_WORKERS, availableParallelism()])];

/** Publishes `events` events in-process and waits until every attempt is recorded; the engine in `workers` threads (0: this one). */
export async function gatewayRun(dir: string, receiverUrl: string, settings: DeliverySettings, workers: number) {
  const gateway = await startInProcessGateway(join(dir, `delivery-${workers}.db`), {
    DELIVERY_CONCURRENCY: String(settings.concurrency),
    DELIVERY_CONCURRENCY_PER_WEBHOOK: String(settings.perWebhook),
    DELIVERY_WORKERS: String(workers),
  });
  try {
    const { app, tenantId } = gateway;
    for (let i = 0; i < settings.webhooks; i++) {
      await app.services.webhooks.create(tenantId, { url: `${receiverUrl}/hooks/${i}`, topics: ['order.*'], name: `Receiver ${i}` });
    }
    const expected = settings.events * settings.webhooks;
    let attempts = 0;
    let failed = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const stop = app.feed.listen('attempt', tenantId, ({ attempt }) => {
      attempts++;
      if (attempt.outcome !== 'SUCCEEDED') failed++;
      if (attempts === expected) done();
    });

    const started = performance.now();
    for (let n = 0; n < settings.events; n++) {
      const { deliveryCount } = await app.services.events.publish(tenantId, { topic: 'order.created', payload: orderPayload(n) });
      if (deliveryCount !== settings.webhooks) throw new Error(`delivery: expected ${settings.webhooks} deliveries, got ${deliveryCount}`);
      // Publishes arrive as separate I/O events in real life; without this the loop runs on
      // microtasks alone and starves the worker's sockets until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const published = performance.now();
    const deliveredWhilePublishing = attempts;
    const timeout = setTimeout(() => done(), 300_000);
    await finished;
    clearTimeout(timeout);
    const ended = performance.now();
    stop();
    if (attempts !== expected || failed > 0) throw new Error(`delivery: ${attempts}/${expected} attempts recorded, ${failed} failed`);
    const seconds = (ended - started) / 1000;
    return {
      deliveries: expected,
      seconds: round(seconds, 2),
      deliveriesPerSecond: round(expected / seconds, 0),
      publishSeconds: round((published - started) / 1000, 2),
      publishesPerSecond: round(settings.events / ((published - started) / 1000), 0),
      deliveredWhilePublishing,
    };
  } finally {
    await gateway.close();
  }
}

/** The same bodies, POSTed by `concurrency` loops sharing one undici Agent (pipelining 1, like the dispatcher). */
export async function baselineRun(receiverUrl: string, settings: DeliverySettings) {
  const agent = new Agent({ pipelining: 1, connections: null });
  const total = settings.events * settings.webhooks;
  const createdAt = Date.now();
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const n = Math.floor(i / settings.webhooks);
        const body = envelope({ topic: 'order.created', created_at: createdAt, payload: JSON.stringify(orderPayload(n)) });
        const response = await request(`${receiverUrl}/hooks/${i % settings.webhooks}`, {
          dispatcher: agent,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.body.text();
        if (response.statusCode !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  if (failed > 0) throw new Error(`delivery baseline: ${failed} requests failed`);
  return { deliveries: total, seconds: round(seconds, 2), deliveriesPerSecond: round(total / seconds, 0) };
}

/**
 * publishEvent over HTTP against the real server, `webhooks` matching webhooks, its engine
 * delivering meanwhile; and bare yoga hello-world with the same load settings, for the ratio.
 */
async function graphqlPublishRun(dir: string, receiverUrl: string, settings: DeliverySettings, webhooks: number) {
  const gateway = await startGatewayProcess(join(dir, `publish-${webhooks}.db`), {
    DELIVERY_CONCURRENCY: String(settings.concurrency),
    DELIVERY_CONCURRENCY_PER_WEBHOOK: String(settings.perWebhook),
  });
  try {
    for (let i = 0; i < webhooks; i++) {
      await createWebhook(gateway.url, gateway.key, { url: `${receiverUrl}/graphql-hooks/${i}`, topics: ['order.*'] });
    }
    const query = /* GraphQL */ `
      mutation Publish($input: PublishEventInput!) {
        publishEvent(input: $input) { __typename ... on PublishEventSuccess { deliveryCount event { id } } ... on Error { message } }
      }
    `;
    return await load({
      url: gateway.url,
      headers: { 'x-api-key': gateway.key },
      body: (n) => JSON.stringify({ query, variables: { input: { topic: 'order.created', payload: orderPayload(n) } } }),
      check: (body) => body.includes(`"deliveryCount":${webhooks}`),
      settings: settings.graphqlPublish,
    });
  } finally {
    await gateway.stop();
  }
}

async function helloWorldRun(settings: DeliverySettings) {
  const hello = await startBenchServer('hello-yoga');
  try {
    return await load({
      url: hello.url,
      body: JSON.stringify({ query: '{ hello }' }),
      check: (body) => body === '{"data":{"hello":"world"}}',
      settings: settings.graphqlPublish,
    });
  } finally {
    await hello.stop();
  }
}

export async function runDelivery(settings: DeliverySettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('delivery');
  const receiver = await startReceiver();
  try {
    const total = settings.events * settings.webhooks;
    log(`delivery: gateway, ${settings.events} events x ${settings.webhooks} webhooks = ${total} deliveries`);
    const byWorkers = new Map<number, Awaited<ReturnType<typeof gatewayRun>>>();
    for (const workers of WORKER_COUNTS) {
      const run = await gatewayRun(dir, receiver.url, settings, workers);
      byWorkers.set(workers, run);
      log(`delivery: gateway, DELIVERY_WORKERS=${workers}: ${run.deliveriesPerSecond} deliveries/s (${run.seconds} s)`);
    }
    const ours = byWorkers.get(DEFAULT_WORKERS)!;
    log('delivery: baseline undici loop');
    const baseline = await baselineRun(receiver.url, settings);
    log(`delivery: baseline ${baseline.deliveriesPerSecond} requests/s (${baseline.seconds} s); GraphQL publishEvent`);
    const publish = await graphqlPublishRun(dir, receiver.url, settings, settings.webhooks);
    log(`delivery: GraphQL publishEvent to ${settings.webhooks} webhooks ${publish.requestsPerSecond}/s; to 1 webhook`);
    const publishOne = await graphqlPublishRun(dir, receiver.url, settings, 1);
    log(`delivery: GraphQL publishEvent to 1 webhook ${publishOne.requestsPerSecond}/s; yoga hello-world`);
    const hello = await helloWorldRun(settings);
    log(`delivery: yoga hello-world ${hello.requestsPerSecond}/s; publish to first attempt at half of ${publishOne.requestsPerSecond}/s`);
    const firstAttempt = await firstAttemptRun({
      dir,
      label: 'half-rate',
      databaseUrl: null,
      receiverUrl: receiver.url,
      settings: {
        perSecond: Math.max(1, Math.round(publishOne.requestsPerSecond / 2)),
        seconds: 10,
        webhooks: 1,
        concurrency: settings.concurrency,
        perWebhook: settings.perWebhook,
      },
    });
    for (const run of [publish, publishOne]) {
      if (run.badBodies > 0 || run.non2xx > 0) throw new Error(`delivery: publishEvent failures ${JSON.stringify(run)}`);
    }

    return {
      setup: [
        `${settings.events.toLocaleString('en')} events published to ${settings.webhooks} webhooks (topic order.*) = ${total.toLocaleString('en')} deliveries. The issue's "publish 20,000 events to 10 webhooks" is taken literally (every event goes to all 10), since the whole run still fits in 10 minutes; BENCH_DELIVERY_EVENTS=2000 would make it 20,000 deliveries`,
        'gateway: createApp in the bench process (LOG_LEVEL=silent), publishing through services.events.publish one after another while the engine delivers; the clock runs from the first publish until the last attempt is seen on pubsub on the main thread (after its transaction commits)',
        `the engine with DELIVERY_WORKERS=${WORKER_COUNTS.join(', ')} (0: on the main thread beside publishing; ${DEFAULT_WORKERS}: the default on this ${availableParallelism()}-core machine), each a fresh database`,
        `DELIVERY_CONCURRENCY=${settings.concurrency}, DELIVERY_CONCURRENCY_PER_WEBHOOK=${settings.perWebhook} (the defaults)`,
        'receiver: node:http in its own process, 200 "ok" at once, keep-alive',
        `baseline: ${settings.concurrency} loops in the bench process POSTing the same envelope bodies with undici request() through one Agent (pipelining 1), reading each response`,
      ],
      comparisons: [
        ...WORKER_COUNTS.map((workers) =>
          compare({
            metric: `deliveries/s, publish to recorded attempt, DELIVERY_WORKERS=${workers}${workers === DEFAULT_WORKERS ? ' (default)' : ''}`,
            unit: '/s',
            ours: byWorkers.get(workers)!.deliveriesPerSecond,
            baseline: baseline.deliveriesPerSecond,
            baselineLabel: 'plain undici POSTs/s',
            minRatio: 0.35,
          }),
        ),
        compare({
          metric: 'publishEvent over GraphQL, 1 matching webhook, engine delivering',
          unit: 'req/s',
          ours: publishOne.requestsPerSecond,
          baseline: hello.requestsPerSecond,
          baselineLabel: 'yoga hello-world req/s',
          minRatio: 0.25,
        }),
        ...firstAttemptRows(`at ${firstAttempt.perSecond}/s (half the sustainable rate)`, firstAttempt, 20),
      ],
      details: {
        gateway: ours,
        byWorkers: Object.fromEntries(byWorkers),
        baseline,
        graphqlPublish: publish,
        graphqlPublishOneWebhook: publishOne,
        helloWorld: hello,
        firstAttempt,
      },
      notes: [
        `In-process publishing ran at ${ours.publishesPerSecond} events/s (${ours.publishSeconds} s for ${settings.events.toLocaleString('en')} events, each fanning out to ${settings.webhooks} deliveries) while the worker delivered.`,
        `publishEvent over GraphQL (real server process, engine delivering meanwhile, autocannon ${settings.graphqlPublish.connections} connections, ${settings.graphqlPublish.durationSeconds} s): to ${settings.webhooks} matching webhooks ${publish.requestsPerSecond} events/s (p99 ${publish.latencyP99Ms} ms); to 1 webhook ${publishOne.requestsPerSecond} events/s (p99 ${publishOne.latencyP99Ms} ms); bare yoga hello-world ${hello.requestsPerSecond} req/s with the same settings.`,
      ],
    };
  } finally {
    await receiver.stop();
    removeDir(dir);
  }
}
