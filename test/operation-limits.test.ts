import { describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * Operation texts built to stall or crash the gateway: each is an ordinary client error (code
 * QUERY_TOO_COMPLEX), refused while parsing or validating, never logged at error level.
 */

const deepSelection = (levels: number) => `query { ${'webhooks { nodes { '.repeat(levels)}id${' } }'.repeat(levels)} }`;
const deepList = (levels: number) => `query { webhooks(filter: { topic: ${'['.repeat(levels)}"a"${']'.repeat(levels)} }) { totalCount } }`;

const raw = rawGatewayForFile();
const post = raw.post;

describe('parser limits: refused before any work, as client errors', () => {
  it('refuses a selection nested 25,000 deep (300 KB), with or without a key, as a 4xx with a code', async () => {
    for (const key of [raw.gateway.key, null]) {
      const { status, body } = await post(deepSelection(25_000), undefined, key);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors?.[0]?.message).toMatch(/(nesting|token) limit of \d+/i);
    }
  });

  it('refuses a list literal nested 50,000 deep inside an argument', async () => {
    const { status, body } = await post(deepList(50_000));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses 1,000 aliases of a field that runs queries (and 16 of them), before running any', async () => {
    const alias = (i: number) => `a${i}: webhooks(first: 5) { nodes { id stats { attempts p50DurationMs p99DurationMs } } }`;
    const thousand = await post(`query { ${Array.from({ length: 1000 }, (_, i) => alias(i)).join(' ')} }`);
    expect(thousand.status).toBe(400);
    expect(thousand.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const sixteen = await post(`query { ${Array.from({ length: 16 }, (_, i) => alias(i)).join(' ')} }`);
    expect(sixteen.status).toBe(400);
    expect(sixteen.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/aliases limit of 15/i),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('refuses more directives than allowed', async () => {
    const { body } = await post(`query { viewer { ${'tenantId @include(if: true) '.repeat(30)} } }`);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/directives limit of 20/i),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('over SSE the same deep query is a client error too', async () => {
    const response = await fetch(raw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': raw.gateway.key },
      body: JSON.stringify({
        query: `subscription { deliveryUpdated { ${'webhook { deliveries { nodes { '.repeat(20_000)}id${' } } }'.repeat(20_000)} } }`,
      }),
    });
    const text = await response.text();
    expect(text).toMatch(/QUERY_TOO_COMPLEX/);
    expect(text).not.toMatch(/INTERNAL_SERVER_ERROR|Maximum call stack/);
  });

  it('over graphql-ws a bad operation errors alone: the connection and its other subscriptions live on', async () => {
    const closes: number[] = [];
    const client: Client = createClient({
      url: raw.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: raw.gateway.key },
      retryAttempts: 0,
      lazy: false,
      on: { closed: (event) => closes.push((event as CloseEvent).code) },
      onNonLazyError: () => {},
    });
    try {
      const received: unknown[] = [];
      let gotOne: () => void;
      const first = new Promise<void>((resolve) => (gotOne = resolve));
      let subscribed: () => void;
      const acknowledged = new Promise<void>((resolve) => (subscribed = resolve));
      client.on('connected', () => subscribed());
      client.subscribe(
        { query: 'subscription { deliveryUpdated { id status } }' },
        {
          next: (value) => {
            received.push(value);
            gotOne();
          },
          error: () => {},
          complete: () => {},
        },
      );
      await acknowledged;

      const badError = await new Promise<unknown>((resolve) => {
        // 20,000 levels: ~460 KB, under the 1 MiB message cap (a larger message closes the socket, 1009).
        client.subscribe({ query: deepSelection(20_000) }, { next: () => {}, error: resolve, complete: () => resolve('complete') });
      });
      expect(JSON.stringify(badError)).toMatch(/QUERY_TOO_COMPLEX/);

      // The first subscription still hears about a delivery created after the bad message.
      const created = await post(
        `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", topics: ["message.*"] }) { __typename } }`,
      );
      expect(created.body.errors).toBeUndefined();
      const published = await post(
        `mutation { publishEvent(input: { topic: "message.created", payload: { n: 1 } }) { __typename ... on PublishEventSuccess { deliveryCount } } }`,
      );
      expect(published.body.data?.publishEvent).toMatchObject({ deliveryCount: 1 });
      await first;
      expect(received.length).toBeGreaterThan(0);
      expect(closes).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});

it('logs none of these refusals at error level', () => {
  expect(raw.gateway.errorLogLines()).toEqual([]);
});
