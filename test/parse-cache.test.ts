import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { authenticatedParseCache, byteBoundedCache } from '../src/graphql/parse-cache.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * yoga keeps each parsed document (and its validation result) by its text. Counted by entries
 * (1,024), ~5 KB operations sent with no key retained hundreds of KB each; the cache is now
 * bounded by the documents' estimated size.
 */

const raw = rawGatewayForFile();

function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

const fields =
  'id name url type topics enabled pausedAt disabledReason headers { name } hasBearerToken timeoutSeconds rateLimitPerSecond createdAt updatedAt';

/** A valid operation of ~5 KB, distinct for each `i`. */
function operation(i: number): string {
  const page = (k: number) =>
    ` a${k}: webhooks(first: ${((i + k) % 50) + 1}) { nodes { ${fields} deliveries(first: 2) { nodes { id status } } } totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`;
  return `query Q${i} {${Array.from({ length: 15 }, (_, k) => page(k)).join('')} }`;
}

describe('the parse and validation cache', () => {
  it('1,000 distinct ~5 KB operations with no key leave the server under 150 MB larger', async () => {
    expect(operation(0).length).toBeGreaterThan(4_400);
    const pid = raw.gateway.server.child.pid!;
    // Warm up: the first requests load modules and fill the JIT's caches.
    for (let i = 0; i < 20; i++) await raw.post(operation(-1 - i), undefined, null);
    const before = residentBytes(pid);
    for (let i = 0; i < 1_000; i++) {
      const { status } = await raw.post(operation(i), undefined, null);
      expect(status).toBe(401);
    }
    const grown = residentBytes(pid) - before;
    expect(grown).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);
});

describe('byteBoundedCache', () => {
  it('keeps entries up to its size in bytes, dropping the least recently used first', () => {
    const cache = byteBoundedCache<string>({ maxBytes: 30, sizeOf: (key) => key.length * 10 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.get('a')).toBe('A');
    cache.set('d', 'D');
    // b was the least recently used: a was read after it was set.
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['A', 'C', 'D']);
  });

  it('never keeps an entry larger than the whole cache', () => {
    const cache = byteBoundedCache<string>({ maxBytes: 30, sizeOf: (key) => key.length * 10 });
    cache.set('a', 'A');
    cache.set('long', 'L');
    expect(cache.get('long')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
  });
});

describe('authenticatedParseCache', () => {
  /** A yoga with the gateway's cache and a context that refuses requests without the key; counts the parses that really run. */
  function yogaCountingParses() {
    const cache = authenticatedParseCache();
    let parses = 0;
    const counting: Plugin = {
      onParse: ({ parseFn, setParseFn }) =>
        setParseFn((source, options) => {
          parses++;
          return parseFn(source, options);
        }),
    };
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } }),
      logging: false,
      plugins: [counting, cache.plugin],
      parserAndValidationCache: cache.option,
      context: ({ request }) => {
        if (request.headers.get('x-api-key') !== 'good') throw new GraphQLError('no', { extensions: { code: 'UNAUTHENTICATED' } });
        return {};
      },
    });
    const ask = async (query: string, key: string | null) => {
      const response = await yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: unknown; errors?: unknown[] };
    };
    return { ask, parses: () => parses };
  }

  it('keeps no document of a request that fails authentication: each one is parsed again', async () => {
    const yoga = yogaCountingParses();
    for (let i = 0; i < 3; i++) expect((await yoga.ask('{ hello }', null)).errors).toBeDefined();
    expect(yoga.parses()).toBe(3);
  });

  it('keeps the document of an authenticated operation, for every later request', async () => {
    const yoga = yogaCountingParses();
    expect((await yoga.ask('{ hello }', 'good')).data).toEqual({ hello: 'world' });
    await yoga.ask('{ hello }', 'good');
    await yoga.ask('{ hello }', null);
    expect(yoga.parses()).toBe(1);
  });

  it('keeps no parse error: a bad text is parsed again each time', async () => {
    const yoga = yogaCountingParses();
    for (let i = 0; i < 2; i++) await yoga.ask('{ hello', 'good');
    expect(yoga.parses()).toBe(2);
  });
});
