import { describe, expect, it } from 'vitest';
import { hasWideObject } from '../src/graphql/json-body-limits.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * One JSON object with tens of thousands of keys holds the thread in JSON.parse (V8 grows a
 * dictionary for it): request bodies are scanned first and refused when one object is that wide.
 */

const raw = rawGatewayForFile();

function wideObject(keys: number): Record<string, number> {
  const object: Record<string, number> = {};
  for (let i = 0; i < keys; i++) object[`k${i.toString(36)}`] = 0;
  return object;
}

describe('request bodies with one very wide object', () => {
  it('95,000 keys in one object (within 1 MiB) are refused before JSON.parse: 400 BAD_REQUEST, short', async () => {
    const body = JSON.stringify({ query: 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }', variables: { input: wideObject(95_000) } });
    expect(body.length).toBeLessThan(1024 * 1024);
    const { status, body: answer } = await raw.gateway.postBody(body);
    expect(status).toBe(400);
    expect(answer.errors).toEqual([{ message: 'A JSON object in the request body has more than 10000 keys.', extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('a payload of many small objects is not wide: 20,000 keys over 4,000 objects is published', async () => {
    const payload = Array.from({ length: 4_000 }, (_, i) => ({ a: i, b: i, c: i, d: i, e: i }));
    const { body } = await raw.post('mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }', { input: { topic: 'message.created', payload } });
    expect(body.data).toEqual({ publishEvent: { __typename: 'PublishEventSuccess' } });
  });

  it('the scan counts keys per object, and not colons or braces inside strings', () => {
    expect(hasWideObject(JSON.stringify(wideObject(11)), 10)).toBe(true);
    expect(hasWideObject(JSON.stringify(wideObject(10)), 10)).toBe(false);
    expect(hasWideObject(JSON.stringify({ a: 'x:y:z:{:"}', b: ['c:d', { e: 1 }], f: { g: 1, h: 2 } }), 3)).toBe(false);
    expect(hasWideObject(JSON.stringify({ a: 'x:y:z:{:"}', b: ['c:d', { e: 1 }], f: { g: 1, h: 2 }, i: 3 }), 3)).toBe(true);
    expect(hasWideObject(JSON.stringify([wideObject(5), wideObject(5)]), 5)).toBe(false);
  });
});
