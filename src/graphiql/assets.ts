import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * GraphiQL's files, served by the gateway itself: a self-hosted gateway often runs where the
 * CDN yoga's default page loads them from is unreachable. Paths carry a hash of every file's
 * content, so browsers may keep them for a year (`immutable`) and an upgrade changes every URL.
 */

const packageDir = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json'));
const ownDir = fileURLToPath(new URL('./browser/', import.meta.url));

/** URL name -> file on disk. The monaco workers must be local too: monaco loads them by URL. */
const FILES: Record<string, string> = {
  'graphiql.css': join(packageDir, 'dist/graphiql.css'),
  'yoga-graphiql.umd.js': join(packageDir, 'dist/yoga-graphiql.umd.js'),
  'editor.worker.js': join(packageDir, 'dist/monacoeditorwork/editor.worker.bundle.js'),
  'json.worker.js': join(packageDir, 'dist/monacoeditorwork/json.worker.bundle.js'),
  'graphql.worker.js': join(packageDir, 'dist/monacoeditorwork/graphql.worker..bundle.js'),
  'gateway.css': join(ownDir, 'gateway.css'),
  'boot.js': join(ownDir, 'boot.js'),
};

type Encoding = 'br' | 'gzip';

type Asset = {
  body: Buffer;
  hash: string;
  contentType: string;
  /** Compressed once per process, on first request (in zlib's thread pool, off the event loop). */
  compressed: Partial<Record<Encoding, Promise<Buffer>>>;
};

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body, { level: 9 });
  // Quality 9 is within 10% of 11 in size and takes half a second rather than ten for the bundle.
  return brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
}

/** The best encoding the client accepts (q > 0), preferring brotli. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

export type GraphiqlAssets = {
  /** The URL of each file by its name (`boot.js`, `graphiql.css`, ...). */
  url: (name: string) => string;
  /** Serves a request under the assets path and returns true; leaves any other request alone. */
  serve: (request: IncomingMessage, response: ServerResponse) => boolean;
};

/** `headers`: sent with every file too (src/graphiql/headers.ts); the workers' CSP is their response's. */
export function createGraphiqlAssets(basePath: string, headers: Readonly<Record<string, string>>): GraphiqlAssets {
  return createStaticAssets(`${basePath}/assets/`, FILES, headers);
}

/**
 * Files served under `prefix` by the same rules: content-hashed URLs, a year of caching,
 * brotli or gzip compressed once. The monitor page's bundle uses it too (src/monitor/).
 */
export function createStaticAssets(
  prefix: string,
  files: Readonly<Record<string, string>>,
  extraHeaders: Readonly<Record<string, string>> = {},
): GraphiqlAssets {
  let loaded: { version: string; assets: Map<string, Asset> } | undefined;
  // Read on first use, not at start: most processes (and tests) never show GraphiQL.
  const load = () => {
    if (loaded) return loaded;
    const assets = new Map<string, Asset>();
    const all = createHash('sha256');
    for (const [name, path] of Object.entries(files)) {
      const body = readFileSync(path);
      all.update(name).update(body);
      const contentType = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      assets.set(name, { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 22), contentType, compressed: {} });
    }
    loaded = { version: all.digest('hex').slice(0, 12), assets };
    return loaded;
  };

  async function send(request: IncomingMessage, response: ServerResponse, asset: Asset) {
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    const etag = `"${asset.hash}${encoding ? `-${encoding}` : ''}"`;
    const headers: Record<string, string> = {
      ...extraHeaders,
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    // Any representation of the same content is as good as this one.
    if (request.headers['if-none-match']?.includes(asset.hash)) {
      response.writeHead(304, headers).end();
      return;
    }
    if (encoding) asset.compressed[encoding] ??= compress(asset.body, encoding);
    const body = encoding ? await asset.compressed[encoding]! : asset.body;
    if (encoding) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return {
    url: (name) => {
      if (!files[name]) throw new Error(`no asset named ${name} under ${prefix}`);
      return `${prefix}${load().version}/${name}`;
    },
    serve: (request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (!path.startsWith(prefix)) return false;
      const [version, name, ...rest] = path.slice(prefix.length).split('/');
      const { version: current, assets } = load();
      const asset = version === current && rest.length === 0 && name ? assets.get(name) : undefined;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (!asset) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not found');
      } else {
        send(request, response, asset).catch((error: unknown) => response.destroy(error as Error));
      }
      return true;
    },
  };
}
