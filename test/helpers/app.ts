import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import type { ApiKeyScope } from '../../src/domain/scopes.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { freshPostgresDatabase } from './postgres.ts';

export type GraphQLResponse<T> = { status: number; body: ExecutionResult<T> };

export type TestApp = {
  app: App;
  url: string;
  adminKey: string;
  tenantId: string;
  /** Every log line the app wrote, as text. */
  logs: string[];
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, key?: string | null): Promise<GraphQLResponse<T>>;
  /** Like request, but fails the test unless the response has data and no errors. */
  data<T, V>(document: TypedDocumentNode<T, V>, variables?: V, key?: string | null): Promise<T>;
  keyFor(scopes: ApiKeyScope[], tenant?: string): Promise<string>;
  close(): Promise<void>;
};

/** One GraphQL request over HTTP, as any client sends it. */
export async function graphqlAt<T, V>(
  url: string,
  document: TypedDocumentNode<T, V>,
  variables?: V,
  key?: string | null,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, body: (await response.json()) as ExecutionResult<T> };
}

/** The data of a response, or an error naming what went wrong. */
export function dataOf<T>({ status, body }: GraphQLResponse<T>): T {
  if (body.errors?.length || !body.data) throw new Error(`GraphQL request failed (${status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Instances on one Postgres share its secrets key (README: "Secrets at rest"). Tests that point
 * several gateways at one DATABASE_URL, each beside a folder of its own, get this one unless they name a key.
 */
export const SHARED_TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

export function withSharedSecretsKey(env: Record<string, string>): Record<string, string> {
  const shared = env.DATABASE_URL && env.SECRETS_KEY === undefined && env.SECRETS_KEY_FILE === undefined;
  return shared ? { ...env, SECRETS_KEY: SHARED_TEST_SECRETS_KEY } : env;
}

/** The delivery threads' entry `npm start` runs, compiled by the tests' global setup (build-setup.ts). */
const engineThreadEntry = new URL('../../build/engine-thread.js', import.meta.url).href;

/** The engine a test app runs on: the vitest project "postgres" runs the same files on Postgres. */
export const testEngine: 'sqlite' | 'postgres' = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A real gateway on 127.0.0.1 over a throwaway SQLite file (or, in the Postgres project, a fresh
 * Postgres database), with its first admin key. A test that names its own DATABASE_PATH keeps it.
 * The delivery engine runs in worker threads, as `npm start` runs it; a test that drives the
 * worker itself (`app.worker`, or options.clock/random/lookup reaching it) says
 * `DELIVERY_WORKERS: '0'` with its reason.
 */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const postgres = testEngine === 'postgres' && !env.DATABASE_PATH && !env.DATABASE_URL ? await freshPostgresDatabase() : null;
  // No rate limit unless a test sets one: most tests send many mutations with one key.
  const config = loadConfig({
    DATABASE_PATH: join(dir, 'gateway.db'),
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ALLOW_PRIVATE_ADDRESSES: 'true',
    LOG_LEVEL: 'debug',
    RATE_LIMIT_PER_SECOND: '0',
    ...withSharedSecretsKey(env),
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await createApp(config, { logger: createLogger(config.logLevel, sink), engineThreadEntry, ...options });
  const server: Server = createServer(app.handle);
  app.attachWebSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  // A database reused from an earlier app already has its tenant: mint a fresh admin key there.
  const first =
    (await app.services.apiKeys.bootstrap()) ??
    (await app.services.apiKeys.createForTenantName('default', { name: 'test admin', scopes: ['ADMIN'] }));

  const request = <T, V>(document: TypedDocumentNode<T, V>, variables?: V, key: string | null = first.key) =>
    graphqlAt(url, document, variables, key);

  return {
    app,
    url,
    adminKey: first.key,
    tenantId: first.tenantId,
    logs,
    request,
    data: async (document, variables, key) => dataOf(await request(document, variables, key)),
    async keyFor(scopes, tenant = 'default') {
      const created = await app.services.apiKeys.createForTenantName(tenant, { name: `test ${scopes.join(',')}`, scopes });
      return created.key;
    },
    async close() {
      // The app first: it completes subscriptions and closes WebSockets, which the HTTP server would wait for.
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
      await postgres?.drop();
    },
  };
}
