import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { CreateWebhook, DeleteWebhook, GetWebhook, UpdateWebhook, Viewer } from './helpers/documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let gw: TestApp;
beforeAll(async () => {
  // No deliveries here: the engine is not started.
  gw = await startTestApp({}, { startWorker: false });
});
afterAll(() => gw.close());

const SigningSecret = graphql(`
  query SigningSecret($id: ID!) {
    webhook(id: $id) { id signingSecret }
  }
`);

const ApiKeys = graphql(`
  query ApiKeys {
    apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt }
  }
`);

const CreateApiKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeySuccess { key apiKey { id name prefix scopes } }
      ... on ValidationError { fieldErrors { path message } }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }
      ... on NotFoundError { id }
      ... on ValidationError { fieldErrors { path message } }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

const NodeQuery = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) { __typename id ... on Webhook { url } }
  }
`);

async function createWebhook(key = gw.adminKey) {
  const data = await gw.data(CreateWebhook, { input: { url: `http://127.0.0.1:9/${Math.random()}`, topics: ['message.created'] } }, key);
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook;
}

describe('authentication', () => {
  it.each([
    ['no key', {}],
    ['an unknown X-API-Key', { 'x-api-key': 'whgw_nope' }],
    ['an unknown bearer key', { authorization: 'Bearer whgw_nope' }],
    ['a malformed Authorization header', { authorization: 'Basic abc' }],
  ])('refuses %s with HTTP 401 and UNAUTHENTICATED', async (_label, headers) => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('accepts the key as X-API-Key or as a bearer token', async () => {
    const viaHeader = await gw.data(Viewer, {});
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminKey}` },
      body: JSON.stringify({ query: '{ viewer { tenantId tenantName scopes } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual(viaHeader);
    expect(viaHeader.viewer).toEqual({ tenantId: gw.tenantId, tenantName: 'default', scopes: ['ADMIN'] });
  });

  it('stores keys only as hashes', async () => {
    const key = await gw.keyFor(['WEBHOOKS_READ']);
    const rows = await gw.app.db.selectFrom('api_keys').selectAll().execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(gw.adminKey);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.key_hash))).toBe(true);
  });
});

describe('scopes', () => {
  it('answers ForbiddenError naming the scope when a mutation needs one the key lacks', async () => {
    const reader = await gw.keyFor(['WEBHOOKS_READ']);
    const { webhook } = await createWebhook();
    const create = await gw.data(CreateWebhook, { input: { url: 'http://127.0.0.1:9/x', topics: ['a.b'] } }, reader);
    expect(create.createWebhook).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_WRITE' });
    const update = await gw.data(UpdateWebhook, { id: webhook.id, input: { name: 'x' } }, reader);
    expect(update.updateWebhook).toMatchObject({ __typename: 'ForbiddenError', requiredScope: 'WEBHOOKS_WRITE' });
    const remove = await gw.data(DeleteWebhook, { id: webhook.id }, reader);
    expect(remove.deleteWebhook).toMatchObject({ __typename: 'ForbiddenError', requiredScope: 'WEBHOOKS_WRITE' });
    expect((await gw.data(GetWebhook, { id: webhook.id }, reader)).webhook?.name).toBeNull();
  });

  it('checks the scope before the input: a forbidden caller learns nothing about validation', async () => {
    const reader = await gw.keyFor(['WEBHOOKS_READ']);
    const create = await gw.data(CreateWebhook, { input: { url: 'not a url', topics: [] } }, reader);
    expect(create.createWebhook.__typename).toBe('ForbiddenError');
  });

  it('hides signing secrets without WEBHOOKS_SECRETS and shows them with it', async () => {
    const { webhook, signingSecret } = await createWebhook();
    const reader = await gw.keyFor(['WEBHOOKS_READ']);
    const denied = await gw.request(SigningSecret, { id: webhook.id }, reader);
    expect(denied.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_SECRETS' } });
    expect(JSON.stringify(denied.body)).not.toContain(signingSecret);
    const secrets = await gw.keyFor(['WEBHOOKS_READ', 'WEBHOOKS_SECRETS']);
    expect((await gw.data(SigningSecret, { id: webhook.id }, secrets)).webhook?.signingSecret).toBe(signingSecret);
  });

  it('refuses queries without WEBHOOKS_READ with a top-level FORBIDDEN error', async () => {
    const publisher = await gw.keyFor(['EVENTS_PUBLISH']);
    const { body } = await gw.request(GetWebhook, { id: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, publisher);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'WEBHOOKS_READ' });
  });

  it('lets only ADMIN manage keys', async () => {
    const writer = await gw.keyFor(['WEBHOOKS_WRITE', 'WEBHOOKS_READ']);
    const denied = await gw.data(CreateApiKey, { input: { name: 'x', scopes: ['ADMIN'] } }, writer);
    expect(denied.createApiKey).toMatchObject({ __typename: 'ForbiddenError', requiredScope: 'ADMIN' });
    const listed = await gw.request(ApiKeys, {}, writer);
    expect(listed.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('API keys', () => {
  it('creates a key shown once, lists it by prefix, revokes it, and the key stops working', async () => {
    const created = await gw.data(CreateApiKey, { input: { name: 'ci', scopes: ['WEBHOOKS_READ', 'WEBHOOKS_READ'] } });
    if (created.createApiKey.__typename !== 'CreateApiKeySuccess') throw new Error('create failed');
    const { key, apiKey } = created.createApiKey;
    expect(apiKey.scopes).toEqual(['WEBHOOKS_READ']);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect((await gw.data(Viewer, {}, key)).viewer.scopes).toEqual(['WEBHOOKS_READ']);

    const listed = (await gw.data(ApiKeys, {})).apiKeys.find((k) => k.id === apiKey.id);
    expect(listed).toMatchObject({ name: 'ci', prefix: apiKey.prefix, revokedAt: null });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await gw.data(ApiKeys, {}))).not.toContain(key);

    const revoked = await gw.data(RevokeApiKey, { id: apiKey.id });
    expect(revoked.revokeApiKey).toMatchObject({ __typename: 'RevokeApiKeySuccess', apiKey: { id: apiKey.id } });
    expect((await gw.request(Viewer, {}, key)).status).toBe(401);
  });

  it('refuses bad key input, self-revocation and unknown ids', async () => {
    const bad = await gw.data(CreateApiKey, { input: { name: ' ', scopes: [] } });
    if (bad.createApiKey.__typename !== 'ValidationError') throw new Error('expected ValidationError');
    expect(bad.createApiKey.fieldErrors.map((e) => e.path.join('.')).sort()).toEqual(['input.name', 'input.scopes']);

    const self = (await gw.data(ApiKeys, {})).apiKeys.find((k) => gw.adminKey.startsWith(k.prefix));
    const selfRevoke = await gw.data(RevokeApiKey, { id: self!.id });
    expect(selfRevoke.revokeApiKey).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['id'] }] });
    expect((await gw.data(RevokeApiKey, { id: 'key_01ARZ3NDEKTSV4RRFFQ69G5FAV' })).revokeApiKey).toMatchObject({
      __typename: 'NotFoundError',
    });
  });
});

describe('tenant isolation', () => {
  it("treats another tenant's ids as not found, never forbidden", async () => {
    const { webhook } = await createWebhook();
    const other = await gw.keyFor(['ADMIN'], 'other-tenant');
    expect((await gw.data(GetWebhook, { id: webhook.id }, other)).webhook).toBeNull();
    expect((await gw.data(NodeQuery, { id: webhook.id }, other)).node).toBeNull();
    expect((await gw.data(UpdateWebhook, { id: webhook.id, input: { name: 'stolen' } }, other)).updateWebhook).toMatchObject({
      __typename: 'NotFoundError',
      id: webhook.id,
    });
    expect((await gw.data(DeleteWebhook, { id: webhook.id }, other)).deleteWebhook).toMatchObject({ __typename: 'NotFoundError' });
    const otherKeys = (await gw.data(ApiKeys, {}, other)).apiKeys.map((k) => k.id);
    const mine = (await gw.data(ApiKeys, {})).apiKeys.map((k) => k.id);
    expect(otherKeys.some((id) => mine.includes(id))).toBe(false);
    expect((await gw.data(RevokeApiKey, { id: mine[0]! }, other)).revokeApiKey).toMatchObject({ __typename: 'NotFoundError' });
    // Still intact for its owner.
    expect((await gw.data(GetWebhook, { id: webhook.id })).webhook?.name).toBeNull();
  });

  it('resolves node(id) for its own tenant', async () => {
    const { webhook } = await createWebhook();
    expect((await gw.data(NodeQuery, { id: webhook.id })).node).toEqual({ __typename: 'Webhook', id: webhook.id, url: webhook.url });
    expect((await gw.data(NodeQuery, { id: 'nonsense' })).node).toBeNull();
  });
});
