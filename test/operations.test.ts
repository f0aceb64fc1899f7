import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.ts';
import { spawnScript, spawnServer } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'gateway-ops-'));
const env = { DATABASE_PATH: join(dir, 'nested', 'gateway.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viewer(base: string, key: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: '{ viewer { tenantName scopes } }' }),
  });
  return { status: response.status, body: (await response.json()) as { data?: { viewer: { tenantName: string; scopes: string[] } } } };
}

describe('npm start and npm run keys', () => {
  it('first start creates the database folder, prints a working ADMIN key, serves health and GraphiQL, and stops on SIGTERM', async () => {
    const server = spawnServer(env);
    const keyLine = await server.waitForLine(/^\s+whgw_/);
    const key = keyLine.trim();
    const listening = await server.waitForLine(/gateway listening/);
    const base = (JSON.parse(listening) as { url: string }).url.replace(/\/graphql$/, '');

    expect(await viewer(base, key)).toMatchObject({
      status: 200,
      body: { data: { viewer: { tenantName: 'default', scopes: ['ADMIN'] } } },
    });

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });

    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.join('\n')).not.toMatch(/"level":50/);

    // A second start on the same database prints no new key.
    const again = spawnServer(env);
    await again.waitForLine(/gateway listening/);
    expect(again.lines.some((line) => /whgw_/.test(line))).toBe(false);

    const minted = spawnScript('src/scripts/keys.ts', ['create', '--tenant', 'acme', '--scopes', 'webhooks_read,EVENTS_PUBLISH'], env);
    expect(await minted.exited).toBe(0);
    const mintedKey = minted.lines.at(-1)!;
    expect(mintedKey).toMatch(/^whgw_\S+$/);
    const listening2 = await again.waitForLine(/gateway listening/);
    const base2 = (JSON.parse(listening2) as { url: string }).url.replace(/\/graphql$/, '');
    expect((await viewer(base2, mintedKey)).body.data?.viewer).toEqual({ tenantName: 'acme', scopes: ['WEBHOOKS_READ', 'EVENTS_PUBLISH'] });

    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('keys refuses an unknown scope with a clear message and exit code 2', async () => {
    const minted = spawnScript('src/scripts/keys.ts', ['create', '--tenant', 'acme', '--scopes', 'READ_ALL'], env);
    let stderr = '';
    minted.child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    expect(await minted.exited).toBe(2);
    expect(stderr).toMatch(/scopes/);
  });

  it('refuses a bad configuration value at start, naming it', async () => {
    const server = spawnServer({ ...env, PORT: 'eighty' });
    let stderr = '';
    server.child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    expect(await server.exited).toBe(1);
    expect(stderr).toMatch(/PORT/);
  });
});

describe('request bodies', () => {
  it('refuses a body over 1 MiB with 413, and a streamed body without a length with 411, reading neither', async () => {
    const gw = await startTestApp({}, { startWorker: false });
    const big = JSON.stringify({
      query: 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }',
      variables: { input: { topic: 'a.b', payload: 'x'.repeat(1024 * 1024) } },
    });
    const tooBig = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gw.adminKey },
      body: big,
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"query":"{ viewer { tenantId } }"}'));
        controller.close();
      },
    });
    const streamed = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gw.adminKey },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(411);
    const events = await gw.app.db.selectFrom('events').select('id').execute();
    expect(events).toHaveLength(0);
    await gw.close();
  });
});
