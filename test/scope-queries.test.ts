import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * Scope checks read only the key's scopes: a guarded type costs no query to check, and a refused
 * field never runs its resolver (so never its loader). Counted on the repositories the resolvers
 * use, comparing keys that may read everything with keys that may not.
 */

type Json = Record<string, any>;
const doc = (query: string) => parse(query) as TypedDocumentNode<Json, Record<string, unknown>>;

let gw: TestApp;
const calls = new Map<string, number>();

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  for (const [repoName, repo] of Object.entries(gw.app.repos)) {
    for (const [name, method] of Object.entries(repo as Record<string, unknown>)) {
      if (typeof method !== 'function') continue;
      (repo as Record<string, unknown>)[name] = (...args: unknown[]) => {
        // A batch loader counts the ids it is asked for, not its calls: a long request yields the
        // database between statements (store/fair-turns.ts), which may split one batch in two.
        const asked = args.find((arg): arg is unknown[] => Array.isArray(arg))?.length ?? 1;
        calls.set(`${repoName}.${name}`, (calls.get(`${repoName}.${name}`) ?? 0) + asked);
        return (method as (...a: unknown[]) => unknown)(...args);
      };
    }
  }
  for (let i = 0; i < 5; i++) {
    await gw.data(
      doc(
        `mutation($url: URL!) { createWebhook(input: { url: $url, topics: ["message.created"], headers: [{ name: "x-a", value: "b" }] }) { __typename } }`,
      ),
      {
        url: `http://127.0.0.1:9/hook-${i}`,
      },
    );
  }
  await gw.data(doc(`mutation { publishEvent(input: { topic: "message.created", payload: { n: 1 } }) { __typename } }`));
});
afterAll(() => gw.close());

/** The repository reads one request makes, by method (the key's own lookup left out). */
async function readsOf(query: string, key: string) {
  await gw.request(doc('{ viewer { tenantId } }'), {}, key); // first use of a key records lastUsedAt; not this test's business
  calls.clear();
  const { body } = await gw.request(doc(query), {}, key);
  calls.delete('apiKeys.findActiveByHash');
  return { body, reads: Object.fromEntries(calls) };
}

describe('scope checks and the database', () => {
  it('cost no query: a WEBHOOKS_READ key reads a page of nested types with the same repository calls as ADMIN', async () => {
    const query = `{ webhooks(first: 5) { nodes { id url headers { value } retryPolicy { maxRetries } configuration { filters { field } }
      deliveries(first: 5) { nodes { id status event { id topic payload } attempts { id outcome } webhook { id name } } } } } }`;
    const asAdmin = await readsOf(query, gw.adminKey);
    const asReader = await readsOf(query, await gw.keyFor(['WEBHOOKS_READ']));
    expect(asReader.body.errors).toBeUndefined();
    expect(asReader.body.data).toEqual(asAdmin.body.data);
    expect(asAdmin.reads).toMatchObject({ 'webhooks.page': 1, 'deliveries.pageByWebhook': 5 });
    expect(asReader.reads).toEqual(asAdmin.reads);
  });

  it('run no resolver of a refused field: a publish-only key loads none of the deliveries, webhooks or attempts it asked for', async () => {
    const query = `mutation { publishEvent(input: { topic: "message.created", payload: { n: 2 } }) { __typename
      ... on PublishEventSuccess { deliveryCount event { id payload deliveries { id webhook { url } attempts { id } } } } } }`;
    const { body, reads } = await readsOf(query, await gw.keyFor(['EVENTS_PUBLISH']));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_READ' });
    expect(reads).toEqual({});
  });

  it('run no resolver of a refused field: a write-only key loads neither the event nor the webhook of its test delivery', async () => {
    const { webhooks } = await gw.data(doc('{ webhooks(first: 1) { nodes { id } } }'));
    const query = `mutation { sendTestEvent(webhookId: "${webhooks.nodes[0].id}") { __typename
      ... on SendTestEventSuccess { delivery { id event { payload } webhook { url stats { attempts } } attempts { id } } } } }`;
    const { body, reads } = await readsOf(query, await gw.keyFor(['WEBHOOKS_WRITE']));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_READ' });
    expect(reads).toEqual({});
  });
});

describe('loading API keys', () => {
  it('reads several keys asked for by node(id:) in one batch, not one query per key', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const { createApiKey } = await gw.data(
        doc(
          `mutation { createApiKey(input: { name: "${name}", scopes: [WEBHOOKS_READ] }) { ... on CreateApiKeySuccess { apiKey { id } } } }`,
        ),
      );
      ids.push(createApiKey.apiKey.id);
    }
    const query = `{ ${ids.map((id, i) => `k${i}: node(id: "${id}") { ... on ApiKey { name } }`).join(' ')} }`;
    await readsOf(query, gw.adminKey);
    calls.clear();
    const { body } = await gw.request(doc(query), {}, gw.adminKey);
    expect(body.data).toEqual({ k0: { name: 'a' }, k1: { name: 'b' }, k2: { name: 'c' } });
    expect(calls.get('apiKeys.findById')).toBeUndefined();
    expect(calls.get('apiKeys.findByIds')).toBe(3);
  });
});
