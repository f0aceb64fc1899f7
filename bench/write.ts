/*
 * Write: createWebhook (a unique url each) and updateWebhook (round robin over the created ones)
 * per second and p99 latency, against the real server in its own process; the baseline is a bare
 * graphql-yoga whose mutations insert or update one SQLite row with better-sqlite3.
 */
import { join } from 'node:path';
import {
  compare,
  load,
  log,
  removeDir,
  scratchDir,
  startBenchServer,
  startGatewayProcess,
  type LoadSettings,
  type ScenarioResult,
} from './lib.ts';

const GATEWAY_CREATE = /* GraphQL */ `
  mutation Create($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookSuccess { webhook { id url topics } }
      ... on Error { message }
    }
  }
`;
const GATEWAY_UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) {
      __typename
      ... on UpdateWebhookSuccess { webhook { id name timeoutSeconds } }
      ... on Error { message }
    }
  }
`;
const BASELINE_CREATE = /* GraphQL */ `
  mutation Create($url: String!, $topics: [String!]!, $name: String) {
    createWebhook(url: $url, topics: $topics, name: $name) { __typename id url topics }
  }
`;
const BASELINE_UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $name: String) {
    updateWebhook(id: $id, name: $name) { __typename id name }
  }
`;

const idPattern = /"id":"([^"]+)"/;

type Pair = { create: Awaited<ReturnType<typeof load>>; update: Awaited<ReturnType<typeof load>>; created: number };

async function createThenUpdate(params: {
  url: string;
  headers?: Record<string, string>;
  createBody: (n: number) => string;
  createdMarker: string;
  updateBody: (id: string, n: number) => string;
  updatedMarker: string;
  settings: LoadSettings;
}): Promise<Pair> {
  const ids: string[] = [];
  const create = await load({
    url: params.url,
    headers: params.headers,
    body: params.createBody,
    check: (body) => {
      if (!body.includes(params.createdMarker)) return false;
      const id = idPattern.exec(body)?.[1];
      if (id && ids.length < 5_000) ids.push(id);
      return true;
    },
    settings: params.settings,
  });
  if (ids.length === 0) throw new Error('write: no webhook was created');
  const update = await load({
    url: params.url,
    headers: params.headers,
    body: (n) => params.updateBody(ids[n % ids.length]!, n),
    check: (body) => body.includes(params.updatedMarker),
    settings: params.settings,
  });
  return { create, update, created: ids.length };
}

export async function runWrite(settings: LoadSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('write');
  const gateway = await startGatewayProcess(join(dir, 'gateway.db'));
  const bare = await startBenchServer('sqlite-yoga', { DATABASE_PATH: join(dir, 'baseline.db') });
  const run = `${process.pid}-${Date.now()}`;
  try {
    log('write: baseline (bare yoga + one better-sqlite3 row)');
    const baseline = await createThenUpdate({
      url: bare.url,
      createBody: (n) =>
        JSON.stringify({
          query: BASELINE_CREATE,
          variables: { url: `https://example.com/hooks/${run}/${n}`, topics: ['order.created'], name: `Hook ${n}` },
        }),
      createdMarker: '"__typename":"Webhook"',
      updateBody: (id, n) => JSON.stringify({ query: BASELINE_UPDATE, variables: { id, name: `Renamed ${n}` } }),
      updatedMarker: '"__typename":"Webhook"',
      settings,
    });
    log(`write: baseline create ${baseline.create.requestsPerSecond}/s, update ${baseline.update.requestsPerSecond}/s; gateway`);
    const ours = await createThenUpdate({
      url: gateway.url,
      headers: { 'x-api-key': gateway.key },
      createBody: (n) =>
        JSON.stringify({
          query: GATEWAY_CREATE,
          variables: { input: { url: `http://127.0.0.1:9/hooks/${run}/${n}`, topics: ['order.created'], name: `Hook ${n}` } },
        }),
      createdMarker: '"__typename":"CreateWebhookSuccess"',
      updateBody: (id, n) =>
        JSON.stringify({ query: GATEWAY_UPDATE, variables: { id, input: { name: `Renamed ${n}`, timeoutSeconds: 1 + (n % 60) } } }),
      updatedMarker: '"__typename":"UpdateWebhookSuccess"',
      settings,
    });
    log(`write: gateway create ${ours.create.requestsPerSecond}/s, update ${ours.update.requestsPerSecond}/s`);
    for (const [label, result] of Object.entries({ ...ours, baselineCreate: baseline.create, baselineUpdate: baseline.update })) {
      if (typeof result === 'object' && (result.badBodies > 0 || result.non2xx > 0 || result.errors > 0)) {
        throw new Error(`write: ${label} had failures: ${JSON.stringify(result)}`);
      }
    }

    return {
      setup: [
        'gateway: `npm start` (`node build/server.js`) in its own process, LOG_LEVEL=silent; createWebhook with a unique https-less loopback url per request (ALLOW_PRIVATE_ADDRESSES=true), then updateWebhook (name + timeoutSeconds) round robin over the webhooks just created',
        'baseline: bare graphql-yoga, `createWebhook(url, topics, name)` inserts one row and `updateWebhook(id, name)` updates one row with better-sqlite3 (WAL, synchronous=NORMAL); no auth, no validation',
        `autocannon in the bench process: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per mutation; every response body checked for the success type`,
      ],
      comparisons: [
        compare({
          metric: 'createWebhook/s',
          unit: '/s',
          ours: ours.create.requestsPerSecond,
          baseline: baseline.create.requestsPerSecond,
          baselineLabel: 'bare yoga + SQLite insert/s',
          minRatio: null,
        }),
        compare({
          metric: 'updateWebhook/s',
          unit: '/s',
          ours: ours.update.requestsPerSecond,
          baseline: baseline.update.requestsPerSecond,
          baselineLabel: 'bare yoga + SQLite update/s',
          minRatio: null,
        }),
        compare({
          metric: 'createWebhook p99 latency',
          unit: 'ms',
          ours: ours.create.latencyP99Ms,
          baseline: baseline.create.latencyP99Ms,
          baselineLabel: 'bare yoga insert p99',
          minRatio: null,
        }),
        compare({
          metric: 'updateWebhook p99 latency',
          unit: 'ms',
          ours: ours.update.latencyP99Ms,
          baseline: baseline.update.latencyP99Ms,
          baselineLabel: 'bare yoga update p99',
          minRatio: null,
        }),
      ],
      details: { gateway: ours, baseline },
      notes: [
        'No goal is set for writes in the issue; the figures are reported with their baseline. For latency rows the ratio is ours/baseline (lower is better).',
      ],
    };
  } finally {
    await Promise.all([gateway.stop(), bare.stop()]);
    removeDir(dir);
  }
}
