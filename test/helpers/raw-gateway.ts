import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import { spawnScript } from './process.ts';

/*
 * The real gateway process (`npm start`) with raw requests, as an attacker sends them: operation
 * texts and bodies no typed document could express.
 */

export type RawResult = {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
};

export type RawGateway = GatewayProcess & {
  databasePath: string;
  post(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<RawResult>;
  postBody(body: string, key?: string | null): Promise<RawResult>;
  /** The server's JSON log lines so far at error level (50) or above. */
  errorLogLines(): string[];
  keyForTenant(tenant: string, scopes: string): Promise<string>;
  stop(): Promise<void>;
};

export async function startRawGateway(): Promise<RawGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-abuse-'));
  const databasePath = join(dir, 'gateway.db');
  const gateway = await startGatewayProcess({ DATABASE_PATH: databasePath });
  async function postBody(body: string, key: string | null = gateway.key): Promise<RawResult> {
    const response = await fetch(gateway.url, {
      method: 'POST',
      // The GraphQL-over-HTTP media type: a request refused before execution is a 400 (with plain
      // application/json yoga answers such errors with 200, as that spec's legacy rule says).
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(key ? { 'x-api-key': key } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as RawResult['body'] };
  }
  return {
    ...gateway,
    databasePath,
    postBody,
    post: (query, variables, key) => postBody(JSON.stringify({ query, variables }), key),
    errorLogLines: () =>
      gateway.server.lines.filter((line) => {
        try {
          return (JSON.parse(line) as { level?: number }).level! >= 50;
        } catch {
          return false;
        }
      }),
    async keyForTenant(tenant, scopes) {
      const script = spawnScript('src/scripts/keys.ts', ['create', '--tenant', tenant, '--scopes', scopes], {
        DATABASE_PATH: databasePath,
      });
      expect(await script.exited).toBe(0);
      return script.lines.at(-1)!.trim();
    },
    async stop() {
      await killGatewayProcesses();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One raw gateway for a test file: started before its first test, stopped after its last. */
export function rawGatewayForFile() {
  let gateway: RawGateway;
  beforeAll(async () => {
    gateway = await startRawGateway();
  }, 60_000);
  afterAll(() => gateway.stop());
  return {
    get gateway() {
      return gateway;
    },
    post: (...args: Parameters<RawGateway['post']>) => gateway.post(...args),
  };
}
