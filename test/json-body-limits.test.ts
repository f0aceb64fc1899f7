import { describe, expect, it } from 'vitest';
import { namesTooManyKeys } from '../src/graphql/json-body-limits.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * Tens of thousands of distinct key names hold the thread in JSON.parse (each a new string and
 * object shape): request bodies are scanned first and refused past 10,000 names.
 */

const raw = rawGatewayForFile();

function wideObject(keys: number): Record<string, number> {
  const object: Record<string, number> = {};
  for (let i = 0; i < keys; i++) object[`k${i.toString(36)}`] = 0;
  return object;
}

describe('request bodies naming many distinct keys', () => {
  it('95,000 keys in one object (within 1 MiB) are refused before JSON.parse: 400 BAD_REQUEST, short', async () => {
    const body = JSON.stringify({
      query: 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }',
      variables: { input: wideObject(95_000) },
    });
    expect(body.length).toBeLessThan(1024 * 1024);
    const { status, body: answer } = await raw.gateway.postBody(body);
    expect(status).toBe(400);
    expect(answer.errors).toEqual([
      { message: 'The request body names more than 10000 distinct JSON keys.', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });

  it('20,000 small objects with a key of their own are refused too', async () => {
    const headers = Array.from({ length: 20_000 }, (_, i) => ({ name: 'x-a', value: 'b', [`extra${i}`]: 1 }));
    const { status, body } = await raw.post('mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename } }', {
      input: { url: 'https://example.com/hook', topics: ['a'], headers },
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('a payload of many small objects of one shape is not refused: 20,000 keys over 4,000 objects is published', async () => {
    const payload = Array.from({ length: 4_000 }, (_, i) => ({ a: i, b: i, c: i, d: i, e: i }));
    const { body } = await raw.post('mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }', {
      input: { topic: 'message.created', payload },
    });
    expect(body.data).toEqual({ publishEvent: { __typename: 'PublishEventSuccess' } });
  });

  it('the scan counts distinct key names, and not strings that are values or colons inside strings', () => {
    expect(namesTooManyKeys(JSON.stringify(wideObject(11)), 10)).toBe(true);
    expect(namesTooManyKeys(JSON.stringify(wideObject(10)), 10)).toBe(false);
    expect(namesTooManyKeys(JSON.stringify([wideObject(10), wideObject(10)]), 10)).toBe(false);
    expect(namesTooManyKeys(JSON.stringify({ a: 'x:y', b: ['c', 'd:', { e: 'f' }], g: 'h\\":' }), 3)).toBe(true);
    expect(namesTooManyKeys(JSON.stringify({ a: 'x:y', b: ['c', 'd:', { e: 'f' }], g: 'h\\":' }), 4)).toBe(false);
    expect(namesTooManyKeys('{ "a" : 1, "b"\n: 2 }', 1)).toBe(true);
  });
});
