/*
 * Read: `webhooks(first: 20)` over HTTP against the real server (its own process, 20 webhooks),
 * and the same autocannon settings against a bare graphql-yoga hello-world. Goal: >= 70%.
 * A second reference, reported only: bare yoga answering the same query from memory, which
 * separates what this response shape costs in yoga + graphql-js from what the gateway adds.
 */
import { join } from 'node:path';
import {
  compare,
  createWebhook,
  load,
  log,
  removeDir,
  scratchDir,
  startBenchServer,
  startGatewayProcess,
  type LoadSettings,
  type ScenarioResult,
} from './lib.ts';

export const READ_QUERY = /* GraphQL */ `
  query Webhooks {
    webhooks(first: 20) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id name url type topics enabled disabledReason hasBearerToken timeoutSeconds
        headers { name value }
        retryPolicy { maxRetries backoffSeconds strategy }
        configuration { echo channelTypes filters { field expression } }
        createdAt updatedAt
      }
    }
  }
`;

/** The 20 webhooks every read measurement pages through. */
export async function seedReadWebhooks(url: string, key: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await createWebhook(url, key, {
      url: `http://127.0.0.1:9/hooks/${i}`,
      topics: ['order.*', `customer.${i}`],
      name: `Webhook ${i}`,
      headers: [{ name: 'x-tenant-ref', value: `ref-${i}` }],
      configuration: { filters: [{ field: 'region', expression: 'eu-*' }] },
    });
  }
}

export async function runRead(settings: LoadSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('read');
  const gateway = await startGatewayProcess(join(dir, 'gateway.db'));
  const hello = await startBenchServer('hello-yoga');
  const shape = await startBenchServer('shape-yoga');
  try {
    await seedReadWebhooks(gateway.url, gateway.key);

    log('read: baseline (bare yoga hello-world)');
    const baseline = await load({
      url: hello.url,
      body: JSON.stringify({ query: '{ hello }' }),
      check: (body) => body === '{"data":{"hello":"world"}}',
      settings,
    });
    log(`read: baseline ${baseline.requestsPerSecond} req/s; same-shape reference (bare yoga, from memory)`);
    const sameShape = await load({
      url: shape.url,
      body: JSON.stringify({ query: READ_QUERY }),
      check: (body) => body.startsWith('{"data":{"webhooks":{"totalCount":20,'),
      settings,
    });
    log(`read: same-shape reference ${sameShape.requestsPerSecond} req/s; gateway webhooks(first: 20)`);
    const ours = await load({
      url: gateway.url,
      headers: { 'x-api-key': gateway.key },
      body: JSON.stringify({ query: READ_QUERY }),
      check: (body) => body.startsWith('{"data":{"webhooks":{"totalCount":20,'),
      settings,
    });
    log(`read: gateway ${ours.requestsPerSecond} req/s`);
    if (ours.badBodies > 0 || ours.non2xx > 0 || baseline.badBodies > 0 || sameShape.badBodies > 0) {
      throw new Error(
        `read: unexpected responses (gateway bad ${ours.badBodies}, non-2xx ${ours.non2xx}; baseline bad ${baseline.badBodies}; same shape bad ${sameShape.badBodies})`,
      );
    }

    return {
      setup: [
        'gateway: `npm start` (`node build/server.js`) in its own process, LOG_LEVEL=silent, 20 webhooks, every field of each read',
        'baseline: bare `createYoga` + `createSchema({ hello: String })` on node:http, its own process',
        'same-shape reference (reported only): bare yoga answering the identical query from 20 objects in memory (no auth, no database), its own process',
        `autocannon in the bench process: ${settings.connections} connections, pipelining 1, ${settings.warmupSeconds} s warm-up (discarded) + ${settings.durationSeconds} s measured, POST`,
      ],
      comparisons: [
        compare({
          metric: 'webhooks(first: 20) requests/s',
          unit: 'req/s',
          ours: ours.requestsPerSecond,
          baseline: baseline.requestsPerSecond,
          baselineLabel: 'yoga hello-world req/s',
          minRatio: 0.7,
        }),
        compare({
          metric: 'webhooks(first: 20) requests/s vs the same shape from memory',
          unit: 'req/s',
          ours: ours.requestsPerSecond,
          baseline: sameShape.requestsPerSecond,
          baselineLabel: 'bare yoga, same query, in memory',
          minRatio: null,
        }),
      ],
      details: { gateway: ours, baseline, sameShape },
      notes: [
        `p99 latency: gateway ${ours.latencyP99Ms} ms, hello-world ${baseline.latencyP99Ms} ms, same shape from memory ${sameShape.latencyP99Ms} ms.`,
        `The response shape alone (20 nodes, about 480 resolved fields, ~10.7 KB of JSON) holds bare yoga to ${Math.round((100 * sameShape.requestsPerSecond) / baseline.requestsPerSecond)}% of hello-world; see Findings.`,
      ],
    };
  } finally {
    await Promise.all([gateway.stop(), hello.stop(), shape.stop()]);
    removeDir(dir);
  }
}
