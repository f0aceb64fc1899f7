/*
 * Soak (issue 26 item 4): `npm run bench -- soak`. The real server (its own process) takes
 * publishEvent at 200 events/s for `minutes`, each event to 10 webhooks of one receiver
 * (bench/servers/soak-receiver.ts) where 5% of deliveries misbehave: 2.5% always answer 500 and
 * are retried until they run out, 2.5% answer after 2 s. Each minute: the server's RSS and open
 * file descriptors (/proc), its event-loop delay p99 and Timeout count (prom-client's default
 * metrics), the publishes' p99 (as sent), and the first attempts' p99 at the receiver (from the
 * sentAt in each payload). The last minute is compared with the second (the first warms up).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  createWebhook,
  log,
  memoryOf,
  percentile,
  removeDir,
  round,
  type Comparison,
  type ScenarioResult,
  scratchDir,
  sleep,
  startBenchServer,
  startGatewayProcess,
} from './lib.ts';

export type SoakSettings = { minutes: number; perSecond: number; webhooks: number };

const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const PUBLISH = 'mutation Publish($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }';
/** Allowed growth from the second minute to the last. */
const DRIFT = 1.2;

type Minute = {
  minute: number;
  rssMb: number;
  fds: number;
  timers: number;
  eventLoopP99Ms: number;
  publishP99Ms: number;
  firstAttemptP99Ms: number;
  firstAttempts: number;
  publishes: number;
  failedPublishes: number;
};

/** One series of the default metrics, from the exposition text. */
function metric(text: string, line: string): number {
  const at = text.indexOf(`\n${line} `);
  return at < 0 ? 0 : Number(text.slice(at + line.length + 2, text.indexOf('\n', at + 1)));
}

export async function runSoak(settings: SoakSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('soak');
  const receiver = await startBenchServer('soak-receiver');
  const gateway = await startGatewayProcess(join(dir, 'soak.db'), { METRICS_TOKEN });
  const agent = new Agent({ connections: 16 });
  const minutes: Minute[] = [];
  try {
    for (let i = 0; i < settings.webhooks; i++) {
      await createWebhook(gateway.url, gateway.key, { url: `${receiver.url}/soak/${i}`, topics: ['order.*'], timeoutSeconds: 5 });
    }
    const started = performance.now();
    const total = settings.minutes * 60 * settings.perSecond;
    let publishLatencies: number[] = [];
    let failedPublishes = 0;
    let minuteStartedAt = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let n = 0; n < total; n++) {
      const wait = started + (n * 1000) / settings.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const at = performance.now();
      const sent: Promise<void> = request(gateway.url, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
        body: JSON.stringify({ query: PUBLISH, variables: { input: { topic: 'order.created', payload: { n, sentAt: Date.now() } } } }),
      })
        .then(async (response) => {
          const body = (await response.body.json()) as { data?: { publishEvent: { __typename: string } } };
          if (body.data?.publishEvent.__typename === 'PublishEventSuccess') publishLatencies.push(performance.now() - at);
          else failedPublishes++;
        })
        .catch(() => {
          failedPublishes++;
        })
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if ((n + 1) % (60 * settings.perSecond) === 0) {
        // The minute's figures; first attempts are read a few seconds late so the minute's last arrive.
        const until = Date.now();
        const text = await (
          await fetch(`${new URL(gateway.url).origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        ).text();
        const latencies = publishLatencies.sort((a, b) => a - b);
        const minute: Minute = {
          minute: minutes.length + 1,
          rssMb: memoryOf(gateway.pid).rssMb,
          fds: readdirSync(`/proc/${gateway.pid}/fd`).length,
          timers: metric(text, 'webhook_gateway_nodejs_active_resources{type="Timeout"}'),
          eventLoopP99Ms: round(metric(text, 'webhook_gateway_nodejs_eventloop_lag_p99_seconds') * 1000, 1),
          publishP99Ms: round(percentile(latencies, 99), 1),
          firstAttemptP99Ms: 0,
          firstAttempts: 0,
          publishes: latencies.length,
          failedPublishes,
        };
        const from = minuteStartedAt;
        void sleep(5_000).then(async () => {
          const window = (await (await fetch(`${receiver.url}/window?from=${from}&to=${until}`)).json()) as { count: number; p99: number };
          minute.firstAttemptP99Ms = window.p99;
          minute.firstAttempts = window.count;
        });
        minutes.push(minute);
        log(`soak: minute ${minute.minute}: ${JSON.stringify(minute)}`);
        publishLatencies = [];
        failedPublishes = 0;
        minuteStartedAt = until;
      }
    }
    await Promise.all(inFlight);
    await sleep(6_000);
  } finally {
    await agent.close();
    await gateway.stop();
    await receiver.stop();
    removeDir(dir);
  }
  const second = minutes[1]!;
  const last = minutes.at(-1)!;
  const drift = (metricName: string, pick: (minute: Minute) => number, unit: string, floor = 0): Comparison => {
    // A floor keeps near-zero figures (a few ms) from failing on noise alone.
    const ratio = round(Math.max(pick(last), floor) / Math.max(pick(second), floor), 2);
    return {
      metric: `${metricName}, last minute against the second`,
      ours: pick(last),
      baseline: pick(second),
      baselineLabel: 'second minute',
      ratio,
      unit,
      goal: `<= ${DRIFT}x`,
      pass: ratio <= DRIFT,
    };
  };
  return {
    setup: [
      `publishEvent at ${settings.perSecond}/s for ${settings.minutes} min to the real server (its own process, defaults but METRICS_TOKEN), each event to ${settings.webhooks} webhooks (${settings.perSecond * settings.webhooks} deliveries/s offered)`,
      'receiver: bench/servers/soak-receiver.ts; 2.5% of deliveries always 500 (retried until they run out), 2.5% answered after 2 s, the rest at once',
      'each minute: VmRSS and /proc/<pid>/fd of the server, nodejs_eventloop_lag_p99_seconds and nodejs_active_resources{type="Timeout"} from its /metrics, publish p99 as sent, first-attempt p99 at the receiver',
    ],
    comparisons: [
      drift('server RSS', (m) => m.rssMb, 'MB'),
      drift('event-loop delay p99', (m) => m.eventLoopP99Ms, 'ms', 10),
      drift('publishEvent p99', (m) => m.publishP99Ms, 'ms', 10),
      drift('first attempt p99', (m) => m.firstAttemptP99Ms, 'ms', 10),
      drift('open file descriptors', (m) => m.fds, '', 0),
      drift('active timers', (m) => m.timers, '', 0),
    ],
    details: { minutes },
    notes: [],
  };
}
