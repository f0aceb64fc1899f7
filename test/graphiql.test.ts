import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../src/graphiql/assets.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

// The page and its files as a browser fetches them; test/browser/graphiql.test.ts uses them in Chromium.

let gw: TestApp;
let base: string;
beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  base = new URL(gw.url).origin;
});
afterAll(() => gw.close());

const packageDist = join(dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json')), 'dist');

async function page() {
  const response = await fetch(gw.url, { headers: { accept: 'text/html' } });
  return { response, html: await response.text() };
}

/** Every src/href in the page, and the worker URLs in its configuration. */
function urlsIn(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  const config = JSON.parse(/<script id="graphiql-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as {
    workers?: Record<string, string>;
  };
  return [...attributes, ...Object.values(config.workers ?? {})];
}

describe('GraphiQL page', () => {
  it('is a small HTML page that loads nothing from another origin', async () => {
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.length).toBeLessThan(10_000);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn|https?:\/\//i);
    const urls = urlsIn(html).filter((url) => !url.startsWith('data:'));
    expect(urls.length).toBeGreaterThanOrEqual(7);
    for (const url of urls) expect(url).toMatch(/^\/graphql\/assets\/[0-9a-f]{12}\/[\w.-]+$/);
  });

  it('configures subscriptions over WebSocket and keeps headers out of storage', async () => {
    const { html } = await page();
    const config = JSON.parse(/<script id="graphiql-config" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as {
      graphiql: Record<string, unknown>;
    };
    expect(config.graphiql).toMatchObject({ subscriptionsProtocol: 'WS', shouldPersistHeaders: false });
    expect(config.graphiql.headers).toBeUndefined();
  });

  it('serves every file the page names, the monaco workers included, from the installed package', async () => {
    const { html } = await page();
    const urls = urlsIn(html).filter((url) => url.startsWith('/graphql/assets/'));
    const names = urls.map((url) => url.split('/').pop());
    expect(names).toEqual(
      expect.arrayContaining(['graphiql.css', 'yoga-graphiql.umd.js', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']),
    );
    for (const url of urls) {
      const response = await fetch(base + url, { headers: { 'accept-encoding': 'identity' } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
    const bundle = await fetch(base + urls.find((url) => url.endsWith('/yoga-graphiql.umd.js'))!, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(Buffer.from(await bundle.arrayBuffer()).equals(readFileSync(join(packageDist, 'yoga-graphiql.umd.js')))).toBe(true);
  });

  it('serves the files compressed, cacheable for a year, and answers a revalidation with 304', async () => {
    const { html } = await page();
    const url = base + urlsIn(html).find((u) => u.endsWith('/yoga-graphiql.umd.js'));
    const original = readFileSync(join(packageDist, 'yoga-graphiql.umd.js'));
    // node's fetch would decompress by itself; node:http shows the bytes on the wire.
    const raw = async (encoding: string, extra: Record<string, string> = {}) => {
      const { request } = await import('node:http');
      return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        request(url, { headers: { 'accept-encoding': encoding, ...extra } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    };
    const br = await raw('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    expect(br.body.length).toBeLessThan(original.length / 3);

    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const again = await raw('gzip', { 'if-none-match': String(gz.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers 404 for unknown files and for another version', async () => {
    expect((await fetch(`${base}/graphql/assets/000000000000/yoga-graphiql.umd.js`)).status).toBe(404);
    const { html } = await page();
    const css = urlsIn(html).find((u) => u.endsWith('/graphiql.css'))!;
    expect((await fetch(base + css.replace('graphiql.css', 'package.json'))).status).toBe(404);
    expect((await fetch(base + css.replace('graphiql.css', '..%2F..%2Fpackage.json'))).status).toBe(404);
  });
});

describe('content negotiation', () => {
  it('prefers brotli, then gzip, honours q=0 and *, and falls back to none', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });
});
