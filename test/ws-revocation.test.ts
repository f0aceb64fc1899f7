import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';
import { openRawWs } from './helpers/raw-ws.ts';

/*
 * Issue 22 row 1: a graphql-ws connection authenticated at connection_init kept running any
 * operation (mutations too) after its key was revoked, and was only closed if it carried a
 * subscription. Against the server process, over raw graphql-ws.
 */

const gw = rawGatewayForFile();

const CREATE_KEY =
  'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key apiKey { id } } } }';
const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }';
const CREATE_WEBHOOK = 'mutation($url: URL!) { createWebhook(input: { url: $url, topics: ["message.created"] }) { __typename } }';
const WEBHOOK_COUNT = '{ webhooks { totalCount } }';

async function newKey(name: string) {
  const { body } = await gw.post(CREATE_KEY, { input: { name, scopes: ['ADMIN'] } });
  const created = body.data!.createApiKey as { key: string; apiKey: { id: string } };
  return { key: created.key, id: created.apiKey.id };
}

async function webhookCount(): Promise<number> {
  const { body } = await gw.post(WEBHOOK_COUNT);
  return (body.data!.webhooks as { totalCount: number }).totalCount;
}

/** Resolves with what settled first: the promise, or 'timeout' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a revoked key over graphql-ws', () => {
  it('closes an idle connection (no subscription) with 4401 once its key is revoked, and a mutation sent after creates nothing', async () => {
    const { key, id } = await newKey('ws idle');
    const ws = await openRawWs(gw.gateway.url);
    await ws.init({ apiKey: key });
    // The connection works before: a mutation over it runs.
    expect(await ws.operation('before', CREATE_WEBHOOK, { url: 'http://127.0.0.1:9/before' })).toMatchObject({
      data: { createWebhook: { __typename: 'CreateWebhookSuccess' } },
    });
    const before = await webhookCount();

    expect((await gw.post(REVOKE_KEY, { id })).body.data).toMatchObject({ revokeApiKey: { __typename: 'RevokeApiKeySuccess' } });
    // Sent once the revocation has been answered: whatever reaches the server must not run.
    ws.send({ id: 'after', type: 'subscribe', payload: { query: CREATE_WEBHOOK, variables: { url: 'http://127.0.0.1:9/after' } } });
    expect(await within(ws.closed, 5_000)).toMatchObject({ code: 4401 });
    await pause(500);
    expect(await webhookCount()).toBe(before);
    expect(ws.received.filter((m) => m.id === 'after' && m.type === 'next')).toEqual([]);
  });

  it('refuses the next operation of a key revoked where this server did not hear it (a missed signal), and closes with 4401', async () => {
    const { key, id } = await newKey('ws missed signal');
    const ws = await openRawWs(gw.gateway.url);
    await ws.init({ apiKey: key });
    const before = await webhookCount();
    // As another instance would: straight into the shared database, no signal to this process.
    const db = new Database(gw.gateway.databasePath);
    db.pragma('busy_timeout = 5000');
    db.prepare('update api_keys set revoked_at = ? where id = ?').run(Date.now(), id);
    db.close();

    const answer = await within(ws.operation('after', CREATE_WEBHOOK, { url: 'http://127.0.0.1:9/missed' }), 5_000);
    expect(answer === null || Array.isArray(answer)).toBe(true);
    expect(await within(ws.closed, 5_000)).toMatchObject({ code: 4401 });
    await pause(500);
    expect(await webhookCount()).toBe(before);
  });
});
