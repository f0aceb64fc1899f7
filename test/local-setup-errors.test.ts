import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { runToEnd } from './helpers/readme.ts';
import { withSharedSecretsKey } from './helpers/app.ts';
import { spawnServer } from './helpers/process.ts';
import { freshPostgresDatabase, postgresServerUrl } from './helpers/postgres.ts';

/*
 * The traps of a first local set-up, over the gateway as `npm start` runs it: a key minted
 * into another database than the server's, and a plain http:// receiver on this machine. Each
 * error says what to do, without giving away a key or whether it exists anywhere.
 */

const dir = mkdtempSync(join(tmpdir(), 'gateway-setup-'));
let gw: GatewayProcess;

beforeAll(async () => {
  // ALLOW_PRIVATE_ADDRESSES off, as a plain `npm start` runs.
  gw = await startGatewayProcess({ DATABASE_PATH: join(dir, 'server.db'), ALLOW_PRIVATE_ADDRESSES: 'false' });
});
afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

async function post(headers: Record<string, string>) {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] } };
}

/** Every run of 6 characters of the key's random part: none may be echoed anywhere. */
function fragments(key: string): string[] {
  const secret = key.slice('whgw_'.length);
  return Array.from({ length: secret.length - 5 }, (_, i) => secret.slice(i, i + 6));
}

describe('a key the server does not know', () => {
  it('minted by npm run keys into another database: 401 naming DATABASE_PATH and npm run keys, echoing nothing of the key', async () => {
    const output = await runToEnd('npm run -s keys -- create --tenant acme --scopes WEBHOOKS_READ', {
      env: { DATABASE_PATH: join(dir, 'other.db') },
    });
    const key = output.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^whgw_/);

    for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }] as Record<string, string>[]) {
      const { status, text, body } = await post(headers);
      expect(status).toBe(401);
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      const message = body.errors[0]!.message;
      expect(message).toMatch(/not known to this server's database/);
      expect(message).toContain('DATABASE_PATH');
      expect(message).toContain('npm run keys');
      expect(fragments(key).filter((fragment) => text.includes(fragment))).toEqual([]);
    }
    // Nor in the server's log.
    expect(fragments(key).filter((fragment) => gw.server.lines.some((line) => line.includes(fragment)))).toEqual([]);
  });

  it('says the same for a key that exists nowhere, so the answer reveals nothing about other databases', async () => {
    const minted = await runToEnd('npm run -s keys -- create --tenant acme --scopes WEBHOOKS_READ', {
      env: { DATABASE_PATH: join(dir, 'third.db') },
    });
    const elsewhere = await post({ 'x-api-key': minted.trim().split('\n').at(-1)! });
    const nowhere = await post({ 'x-api-key': 'whgw_thisKeyWasNeverMintedAnywhere00000000000' });
    expect(nowhere.status).toBe(401);
    expect(nowhere.body.errors[0]!.message).toBe(elsewhere.body.errors[0]!.message);
  });

  it('no key at all: 401 saying how to send one', async () => {
    const { status, body } = await post({});
    expect(status).toBe(401);
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]!.message).toMatch(/X-API-Key/);
    expect(body.errors[0]!.message).toMatch(/Authorization: Bearer/);
  });
});

describe('a local receiver while ALLOW_PRIVATE_ADDRESSES is off', () => {
  it.each([
    ['plain http:// on loopback', 'http://127.0.0.1:9000/'],
    ['plain http:// anywhere', 'http://example.com/hooks'],
    ['https:// on localhost', 'https://localhost/hooks'],
    ['https:// on a loopback address', 'https://127.0.0.1/hooks'],
    ['https:// on a private address', 'https://192.168.1.20/hooks'],
  ])('%s: the ValidationError names ALLOW_PRIVATE_ADDRESSES', async (_label, url) => {
    const { createWebhook } = await ask(gw, CreateWebhook, { input: { url, topics: ['message.*'] } });
    expect(createWebhook.__typename).toBe('ValidationError');
    if (createWebhook.__typename !== 'ValidationError') return;
    expect(createWebhook.fieldErrors).toEqual([
      { path: ['input', 'url'], message: expect.stringContaining('ALLOW_PRIVATE_ADDRESSES=true') },
    ]);
  });
});

/** `npm start` with `env`, to its end: its exit code and everything it wrote (stdout and stderr). */
async function startToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const server = spawnServer({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...withSharedSecretsKey(env) });
  const stderr: string[] = [];
  server.child.stderr.on('data', (chunk) => stderr.push(String(chunk)));
  // Generous for a loaded machine; a start that keeps running past it is the failure under test.
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
  const code = await server.exited;
  clearTimeout(timer);
  return { code: server.child.signalCode === 'SIGKILL' ? null : code, output: `${server.lines.join('\n')}\n${stderr.join('')}` };
}

function listeningOn(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('a start that cannot go on ends at once, saying why', () => {
  it('the port taken: exits non-zero naming the port and PORT=, and the next start on a free port still shows the first key', async () => {
    const taken = createServer();
    const port = await listeningOn(taken);
    try {
      const databasePath = join(dir, 'port-taken.db');
      const { code, output } = await startToExit({ PORT: String(port), DATABASE_PATH: databasePath });
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(output).toContain(`port ${port}`);
      expect(output).toMatch(/already in use/);
      expect(output).toMatch(/PORT=\d+/);
      expect(output).not.toMatch(/Internal error emitted on the WebSocket server/);
      // The failed start minted no key nobody saw: the next one on the same database prints it.
      const next = await startGatewayProcess({ DATABASE_PATH: databasePath });
      expect(next.key).toMatch(/^whgw_/);
    } finally {
      taken.close();
      await killGatewayProcesses();
    }
  }, 60_000);

  it('DATABASE_URL at a closed port: exits non-zero with ECONNREFUSED, never the password', async () => {
    const closed = createServer();
    const port = await listeningOn(closed);
    await new Promise((resolve) => closed.close(resolve));
    const { code, output } = await startToExit({ DATABASE_URL: `postgres://u:s3cretPassw0rd@127.0.0.1:${port}/db` });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(/ECONNREFUSED/);
    expect(output).toContain(`127.0.0.1:${port}`);
    expect(output).not.toContain('s3cretPassw0rd');
  });

  it("DATABASE_URL with a user the server does not know: exits non-zero with Postgres' own reason, never the password", async () => {
    // The tests' server trusts every local connection (initdb -A trust), so a wrong password is
    // not refused there; an unknown role is, with Postgres' own message and code.
    const url = new URL(postgresServerUrl());
    url.username = 'no_such_role';
    url.password = 'hunter2hunter2';
    const { code, output } = await startToExit({ DATABASE_URL: url.toString() });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(/role "no_such_role" does not exist/);
    expect(output).toMatch(/28000/);
    expect(output).not.toContain('hunter2hunter2');
  });
});

describe('the start names the database it uses', () => {
  it('SQLite: engine and path', async () => {
    const databasePath = join(dir, 'named.db');
    const gateway = await startGatewayProcess({ DATABASE_PATH: databasePath });
    const listening = JSON.parse(await gateway.server.waitForLine(/gateway listening/)) as Record<string, unknown>;
    expect(listening.database).toEqual({ engine: 'sqlite', path: databasePath });
    expect(listening).not.toHaveProperty('databasePath');
    await killGatewayProcesses();
  });

  it('Postgres: engine, host, port, database and user, never the password nor DATABASE_PATH', async () => {
    const database = await freshPostgresDatabase();
    try {
      const url = new URL(database.url);
      url.password = 'notLoggedAnywhere';
      const gateway = await startGatewayProcess({ DATABASE_URL: url.toString() });
      const line = await gateway.server.waitForLine(/gateway listening/);
      expect(JSON.parse(line).database).toEqual({
        engine: 'postgres',
        host: '127.0.0.1',
        port: Number(url.port),
        database: url.pathname.slice(1),
        user: url.username,
      });
      expect(gateway.server.lines.join('\n')).not.toContain('notLoggedAnywhere');
      expect(line).not.toContain('gateway.db');
    } finally {
      await killGatewayProcesses();
      await database.drop();
    }
  });
});
