/*
 * Live: publish-to-subscriber latency of the `deliveryAttempts` subscription over a real
 * graphql-ws client, at a steady ~1,000 attempts per second. The real server runs in its own
 * process with a receiver (another process) that answers 200 at once; this process publishes
 * 100 events/s over GraphQL, each to 10 webhooks, and subscribes. Latency = when the subscriber
 * gets the attempt minus the attempt's finishedAt (same machine clock, millisecond precision).
 * Baseline: a bare yoga + graphql-ws server publishing 1,000 ticks/s stamped with Date.now().
 * Goal: p99 < 25 ms.
 */
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import {
  createWebhook,
  log,
  removeDir,
  round,
  scratchDir,
  sleep,
  startBenchServer,
  startGatewayProcess,
  startReceiver,
  summarize,
  within,
  type ScenarioResult,
} from './lib.ts';

export type LiveSettings = { attemptsPerSecond: number; webhooks: number; warmupSeconds: number; durationSeconds: number };

const PUBLISH = /* GraphQL */ `
  mutation Publish($input: PublishEventInput!) {
    publishEvent(input: $input) { __typename ... on PublishEventSuccess { deliveryCount event { id } } }
  }
`;

export function wsClient(httpUrl: string, connectionParams: Record<string, unknown> = {}): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // A benchmark wants to see failures, not reconnects.
    onNonLazyError: (error) => log(`graphql-ws connection error: ${String(error)}`),
  });
}

/** Runs `fn` `perSecond` times a second, catching up every 5 ms, for `seconds`. */
async function paced(perSecond: number, seconds: number, fn: (n: number) => void): Promise<number> {
  const started = performance.now();
  let n = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= seconds * 1000) return n;
    const due = Math.floor((elapsed * perSecond) / 1000);
    while (n < due) fn(n++);
    await sleep(5);
  }
}

async function gatewayRun(dir: string, settings: LiveSettings) {
  const receiver = await startReceiver();
  const gateway = await startGatewayProcess(join(dir, 'live.db'));
  const agent = new Agent({ connections: 16 });
  const client = wsClient(gateway.url, { apiKey: gateway.key });
  try {
    for (let i = 0; i < settings.webhooks; i++) {
      await createWebhook(gateway.url, gateway.key, { url: `${receiver.url}/live/${i}`, topics: ['order.*'] });
    }
    let measuring = false;
    let received = 0;
    const latencies: number[] = [];
    // From the publish request leaving this process to the attempt reaching the subscriber: queueing included.
    const endToEnd: number[] = [];
    const publishedAt = new Map<string, number>();
    let firstSeen!: () => void;
    const subscribed = new Promise<void>((resolve) => (firstSeen = resolve));
    let failure: unknown = null;
    const unsubscribe = client.subscribe<{ deliveryAttempts: { id: string; eventId: string; finishedAt: string; outcome: string } }>(
      { query: 'subscription { deliveryAttempts { id eventId outcome finishedAt } }' },
      {
        next: (message) => {
          const now = Date.now();
          const attempt = message.data?.deliveryAttempts;
          if (!attempt) return;
          firstSeen();
          if (!measuring) return;
          received++;
          latencies.push(now - Date.parse(attempt.finishedAt));
          const sent = publishedAt.get(attempt.eventId);
          if (sent !== undefined) endToEnd.push(now - sent);
        },
        error: (error) => (failure = error),
        complete: () => undefined,
      },
    );

    let publishErrors = 0;
    const publish = (n: number) => {
      const sent = Date.now();
      request(gateway.url, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
        body: JSON.stringify({ query: PUBLISH, variables: { input: { topic: 'order.created', payload: { n, region: 'eu-west' } } } }),
      })
        .then(async (response) => {
          const text = await response.body.text();
          if (!text.includes(`"deliveryCount":${settings.webhooks}`)) publishErrors++;
          const eventId = /"id":"([^"]+)"/.exec(text)?.[1];
          if (eventId) publishedAt.set(eventId, sent);
        })
        .catch(() => publishErrors++);
    };
    // Until the first attempt arrives the subscription may not be registered yet.
    const probe = setInterval(() => publish(-1), 50);
    const live = await within(subscribed, 10_000);
    clearInterval(probe);
    if (!live) throw new Error('live: the subscription saw no attempt within 10 s');

    const eventsPerSecond = settings.attemptsPerSecond / settings.webhooks;
    await paced(eventsPerSecond, settings.warmupSeconds, publish);
    measuring = true;
    const started = performance.now();
    const published = await paced(eventsPerSecond, settings.durationSeconds, publish);
    const measuredSeconds = (performance.now() - started) / 1000;
    measuring = false;
    const expected = published * settings.webhooks;
    unsubscribe();
    if (failure) throw new Error(`live: subscription failed: ${JSON.stringify(failure)}`);
    if (publishErrors > 0) throw new Error(`live: ${publishErrors} publishes failed`);
    return {
      ...summarize(latencies),
      publishToSubscriber: summarize(endToEnd),
      attemptsPerSecond: round(received / measuredSeconds, 0),
      publishedEvents: published,
      attemptsPublishedInWindow: expected,
      attemptsReceivedInWindow: received,
    };
  } finally {
    await client.dispose();
    await agent.close();
    await Promise.all([gateway.stop(), receiver.stop()]);
  }
}

async function baselineRun(settings: LiveSettings) {
  const server = await startBenchServer('ws-baseline', { TICKS_PER_SECOND: String(settings.attemptsPerSecond) });
  const client = createClient({ url: server.url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  try {
    let measuring = false;
    const latencies: number[] = [];
    const unsubscribe = client.subscribe<{ tick: { seq: number; sentAt: number } }>(
      { query: 'subscription { tick { seq sentAt } }' },
      {
        next: (message) => {
          const now = Date.now();
          if (measuring && message.data) latencies.push(now - message.data.tick.sentAt);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await sleep(settings.warmupSeconds * 1000);
    measuring = true;
    const started = performance.now();
    await sleep(settings.durationSeconds * 1000);
    measuring = false;
    const seconds = (performance.now() - started) / 1000;
    unsubscribe();
    return { ...summarize(latencies), attemptsPerSecond: round(latencies.length / seconds, 0) };
  } finally {
    await client.dispose();
    await server.stop();
  }
}

export async function runLive(settings: LiveSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('live');
  try {
    log(`live: gateway at ${settings.attemptsPerSecond} attempts/s`);
    const ours = await gatewayRun(dir, settings);
    log(`live: gateway p50 ${ours.p50} ms p99 ${ours.p99} ms at ${ours.attemptsPerSecond}/s; baseline`);
    const baseline = await baselineRun(settings);
    log(`live: baseline p50 ${baseline.p50} ms p99 ${baseline.p99} ms`);
    // Steady means the engine keeps pace: what was published in the window reaches the subscriber
    // in it (a few ms of attempts at the window's end may land just after it).
    const keptPace = round(ours.attemptsReceivedInWindow / ours.attemptsPublishedInWindow, 3);
    const reached = keptPace >= 0.98;
    return {
      setup: [
        `real server (\`npm start\`, \`node build/server.js\`, LOG_LEVEL=silent) and a 200-at-once receiver, each in its own process; ${settings.webhooks} webhooks on topic order.*`,
        `this process publishes ${settings.attemptsPerSecond / settings.webhooks} events/s over GraphQL (each fans out to ${settings.webhooks} attempts) and holds one graphql-ws subscription \`deliveryAttempts\` (connectionParams { apiKey })`,
        `${settings.warmupSeconds} s warm-up, then ${settings.durationSeconds} s measured; latency = receipt time - attempt.finishedAt (ms clock); the p99 goal counts only when the gateway keeps pace with the offered rate`,
        `baseline: bare yoga + graphql-ws server publishing ${settings.attemptsPerSecond} ticks/s through createPubSub, stamped with Date.now(), same client`,
      ],
      comparisons: [
        {
          metric: 'deliveryAttempts p99, publish to subscriber',
          unit: 'ms',
          ours: ours.p99,
          baseline: baseline.p99,
          baselineLabel: 'bare graphql-ws p99',
          ratio: null,
          goal: `p99 < 25 ms at ~${settings.attemptsPerSecond} attempts/s`,
          pass: ours.p99 < 25 && reached,
        },
        {
          metric: 'deliveryAttempts p50',
          unit: 'ms',
          ours: ours.p50,
          baseline: baseline.p50,
          baselineLabel: 'bare graphql-ws p50',
          ratio: null,
          goal: 'reported',
          pass: null,
        },
        {
          metric: `attempts/s reaching the subscriber (${settings.attemptsPerSecond}/s offered)`,
          unit: '/s',
          ours: ours.attemptsPerSecond,
          baseline: baseline.attemptsPerSecond,
          baselineLabel: 'ticks/s',
          ratio: keptPace,
          goal: 'keeps pace: >= 98% of the attempts published in the window arrive in it',
          pass: reached,
        },
        {
          metric: 'publishEvent request to subscriber p99 (worker queueing included)',
          unit: 'ms',
          ours: ours.publishToSubscriber.p99,
          baseline: null,
          baselineLabel: null,
          ratio: null,
          goal: 'reported',
          pass: null,
        },
      ],
      details: { gateway: ours, baseline },
      notes: [
        `From the publishEvent request to the attempt at the subscriber (queueing in the delivery worker included): p50 ${ours.publishToSubscriber.p50} ms, p99 ${ours.publishToSubscriber.p99} ms.`,
      ],
    };
  } finally {
    removeDir(dir);
  }
}
