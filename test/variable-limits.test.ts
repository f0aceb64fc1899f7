import { describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * Variables are walked against the operation's variable definitions with a budget before
 * graphql-js coerces them: an unknown input field is refused at the first, a value too wide is
 * refused by its count, and no answer repeats what was sent.
 */

const raw = rawGatewayForFile();

const publish = 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }';

/** A publish input holding 9,000 fields the type does not have (wider objects are refused before JSON.parse: json-body-limits.test.ts). */
function unknownKeys(count = 9_000): Record<string, unknown> {
  const input: Record<string, unknown> = { topic: 'message.created', payload: {} };
  for (let i = 0; i < count; i++) input[`k${i.toString(36)}`] = 0;
  return { input };
}

/** The whole answer, as text, over SSE. */
async function overSse(query: string, variables: Record<string, unknown>): Promise<string> {
  const response = await fetch(raw.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': raw.gateway.key },
    body: JSON.stringify({ query, variables }),
  });
  return response.text();
}

/** The first answer (data or error) to one operation over graphql-ws, as text. */
async function overWebSocket(query: string, variables: Record<string, unknown>): Promise<string> {
  const client = createClient({
    url: raw.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { apiKey: raw.gateway.key },
    retryAttempts: 0,
  });
  try {
    return await new Promise<string>((resolve) => {
      client.subscribe(
        { query, variables },
        {
          next: (value) => resolve(JSON.stringify(value)),
          error: (error) => resolve(JSON.stringify(error)),
          complete: () => resolve('complete'),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('variables walked with a budget before coercion', () => {
  it('9,000 unknown input fields: one short BAD_USER_INPUT naming the first, over HTTP', async () => {
    const response = await fetch(raw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-api-key': raw.gateway.key },
      body: JSON.stringify({ query: publish, variables: unknownKeys() }),
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(1_000);
    const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: expect.stringContaining('"input.k0"'), extensions: { code: 'BAD_USER_INPUT' } });
  }, 20_000);

  it('the same over SSE and over graphql-ws', async () => {
    const sse = await overSse(publish, unknownKeys());
    expect(sse.length).toBeLessThan(1_000);
    expect(sse).toMatch(/input\.k0.*BAD_USER_INPUT/s);
    const ws = await overWebSocket(publish, unknownKeys());
    expect(ws.length).toBeLessThan(1_000);
    expect(ws).toMatch(/input\.k0.*BAD_USER_INPUT/s);
  }, 30_000);

  it('a list variable of 200,000 items is refused by its size, before coercion', async () => {
    const query = 'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename } }';
    const topics = Array.from({ length: 200_000 }, () => 'a');
    const { body } = await raw.post(query, { input: { url: 'https://example.com/hook', topics } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/more than 10000 values/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }, 20_000);

  it('a JSON payload is opaque: 8,000 keys inside it are not input fields', async () => {
    const payload = Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`k${i}`, i]));
    const { body } = await raw.post(publish, { input: { topic: 'message.created', payload } });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ publishEvent: { __typename: 'PublishEventSuccess' } });
  });

  it("graphql-js's own variable errors are answered short: at most 500 characters each", async () => {
    const { body } = await raw.post('query ($n: Int) { webhooks(first: $n) { totalCount } }', { n: 'x'.repeat(500_000) });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.message.length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
  });
});
