import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { runToEnd } from './helpers/readme.ts';

/*
 * The two traps of a first local set-up, over the gateway as `npm start` runs it: a key minted
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
