import { describe, expect, it } from 'vitest';
import { getOperationAST, Kind, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { operationCost } from '../src/graphql/complexity.ts';
import { schema } from '../src/graphql/schema.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * Documents small in text whose validation or pricing grows much faster than their text: they
 * are refused while parsing, before validation, cost analysis or the parse cache see them.
 */

const raw = rawGatewayForFile();

/** `levels` fragments, each spreading the next twice: 2^levels spreads in under 1 KB. */
function fragmentChain(levels: number, root = 'query { webhooks(first: 1) { nodes { ...F0 } } }') {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Webhook { ...F${i + 1} ...F${i + 1} }`);
  return [root, ...fragments, `fragment F${levels} on Webhook { id }`].join('\n');
}

/** 285 copies of one field with a selection: graphql-js compares every pair of them. */
const sameNamedFields = `{ ${'webhooks { nodes { id } } '.repeat(285)}}`;

function refusedAsTooComplex(errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined, message: RegExp) {
  expect(errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'QUERY_TOO_COMPLEX' } });
  expect(errors).toHaveLength(1);
}

describe('documents that explode past their text', () => {
  it('a chain of 30 fragments each spreading the next twice is refused over HTTP, at once', async () => {
    const { status, body } = await raw.post(fragmentChain(30));
    expect(status).toBe(400);
    refusedAsTooComplex(body.errors, /^Fragment spreads expand to more than 10000 fields/);
  }, 20_000);

  it('the same chain as a subscription is refused over SSE and over graphql-ws', async () => {
    const subscription = fragmentChain(30, 'subscription { deliveryUpdated { webhook { ...F0 } } }');
    const response = await fetch(raw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': raw.gateway.key },
      body: JSON.stringify({ query: subscription }),
    });
    expect(await response.text()).toMatch(/Fragment spreads expand.*QUERY_TOO_COMPLEX/s);

    const client = createClient({
      url: raw.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: raw.gateway.key },
      retryAttempts: 0,
    });
    try {
      const error = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: subscription }, { next: () => {}, error: resolve, complete: () => resolve('complete') });
      });
      expect(JSON.stringify(error)).toMatch(/Fragment spreads expand.*QUERY_TOO_COMPLEX/s);
    } finally {
      await client.dispose();
    }
  }, 20_000);

  it('285 same-named fields (within the token limit) are refused before validation compares them', async () => {
    const { status, body } = await raw.post(sameNamedFields);
    expect(status).toBe(400);
    refusedAsTooComplex(body.errors, /^Too many same-named fields at one path/);
  });

  it('an ordinary document with fragments spread in several places still runs', async () => {
    const { body } = await raw.post(`
      query { a: webhooks(first: 2) { nodes { ...W } } b: webhooks(first: 3) { nodes { ...W ...W } } viewer { tenantId } }
      fragment W on Webhook { id url ...S }
      fragment S on Webhook { id name }`);
    expect(body.errors).toBeUndefined();
  });
});

it('cost analysis prices a fragment spread twice without walking it twice', () => {
  const document = parse(fragmentChain(40));
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  // A page of one webhook (10 + 1), nodes (1) and 2^40 ids on its one row.
  expect(operationCost(schema, getOperationAST(document)!, fragments, {})).toBe(10 + 1 + 1 + 2 ** 40);
});
