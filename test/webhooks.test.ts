import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import type { CreateWebhookInput, WebhooksPageQuery } from './gql/graphql.ts';
import { CreateWebhook, DeleteWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let gw: TestApp;
let counter = 0;
const uniqueUrl = () => `https://hooks.example.com/receiver/${++counter}`;

beforeAll(async () => {
  // No deliveries here: the engine is not started.
  gw = await startTestApp({ ALLOW_PRIVATE_ADDRESSES: 'false' }, { startWorker: false });
});
afterAll(() => gw.close());

async function create(input: Partial<CreateWebhookInput> = {}) {
  const data = await gw.data(CreateWebhook, { input: { url: uniqueUrl(), topics: ['message.created'], ...input } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook;
}

async function read(id: string) {
  const data = await gw.data(GetWebhook, { id });
  if (!data.webhook) throw new Error(`webhook ${id} not found`);
  return data.webhook;
}

describe('createWebhook', () => {
  it('applies the documented defaults and returns the signing secret once', async () => {
    const { webhook, signingSecret } = await create({ topics: ['message.*'] });
    expect(webhook.id).toMatch(/^wh_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(webhook).toMatchObject({
      name: null,
      type: 'CUSTOM',
      enabled: true,
      disabledReason: null,
      headers: [],
      hasBearerToken: false,
      timeoutSeconds: 15,
      retryPolicy: { maxRetries: 5, backoffSeconds: 30, strategy: 'EXPONENTIAL' },
      configuration: { echo: false, channelTypes: [], filters: [], webengage: null },
    });
    expect(webhook.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('keeps every field it is given, and the secret when one is supplied', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const result = await create({
      name: 'Orders',
      type: 'WEBENGAGE',
      enabled: false,
      headers: [{ name: 'X-Custom-Header', value: 'value' }],
      bearerToken: 'tok',
      timeoutSeconds: 30,
      retryPolicy: { maxRetries: 3, strategy: 'LINEAR' },
      configuration: {
        echo: true,
        channelTypes: ['whatsapp'],
        filters: [{ field: 'campaign_name', expression: 'summer-promo-*' }],
        webengage: { webhookUrl: 'https://webengage.example.com/hook', token: 'we-token' },
      },
      signingSecret: secret,
    });
    expect(result.signingSecret).toBe(secret);
    expect(result.webhook).toMatchObject({
      name: 'Orders',
      type: 'WEBENGAGE',
      enabled: false,
      headers: [{ name: 'X-Custom-Header', value: 'value' }],
      hasBearerToken: true,
      timeoutSeconds: 30,
      retryPolicy: { maxRetries: 3, backoffSeconds: 30, strategy: 'LINEAR' },
      configuration: {
        echo: true,
        channelTypes: ['whatsapp'],
        filters: [{ field: 'campaign_name', expression: 'summer-promo-*' }],
        webengage: { webhookUrl: 'https://webengage.example.com/hook', hasToken: true },
      },
    });
  });

  const invalid: [string, Partial<CreateWebhookInput>, string[]][] = [
    ['a relative url', { url: '/hook' }, ['input', 'url']],
    ['an http url', { url: 'http://hooks.example.com/x' }, ['input', 'url']],
    ['a url with credentials', { url: 'https://user:pw@hooks.example.com/x' }, ['input', 'url']],
    ['a url with a fragment', { url: 'https://hooks.example.com/x#frag' }, ['input', 'url']],
    ['a url over 2,048 characters', { url: `https://hooks.example.com/${'a'.repeat(2048)}` }, ['input', 'url']],
    ['a loopback literal', { url: 'https://127.0.0.1/x' }, ['input', 'url']],
    ['localhost', { url: 'https://localhost/x' }, ['input', 'url']],
    ['a private literal', { url: 'https://10.1.2.3/x' }, ['input', 'url']],
    ['a link-local literal (cloud metadata)', { url: 'https://169.254.169.254/latest' }, ['input', 'url']],
    ['a CGNAT literal', { url: 'https://100.64.0.1/x' }, ['input', 'url']],
    ['a multicast literal', { url: 'https://224.0.0.1/x' }, ['input', 'url']],
    ['an IPv6 loopback', { url: 'https://[::1]/x' }, ['input', 'url']],
    ['an IPv4-mapped IPv6 private address', { url: 'https://[::ffff:192.168.1.1]/x' }, ['input', 'url']],
    ['no topics', { topics: [] }, ['input', 'topics']],
    ['a malformed topic', { topics: ['message created'] }, ['input', 'topics', '0']],
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a name over 150 characters', { name: 'n'.repeat(151) }, ['input', 'name']],
    ['21 headers', { headers: Array.from({ length: 21 }, (_, i) => ({ name: `X-H${i}`, value: 'v' })) }, ['input', 'headers']],
    ['a hop-by-hop header', { headers: [{ name: 'Connection', value: 'close' }] }, ['input', 'headers', '0', 'name']],
    ['a host header', { headers: [{ name: 'Host', value: 'evil.example.com' }] }, ['input', 'headers', '0', 'name']],
    ['a signature header', { headers: [{ name: 'webhook-signature', value: 'v1,x' }] }, ['input', 'headers', '0', 'name']],
    [
      'a header given twice',
      {
        headers: [
          { name: 'X-A', value: '1' },
          { name: 'x-a', value: '2' },
        ],
      },
      ['input', 'headers', '1', 'name'],
    ],
    ['a header value with a line break', { headers: [{ name: 'X-A', value: 'a\r\nX-B: b' }] }, ['input', 'headers', '0', 'value']],
    ['a bearer token over 2,000 characters', { bearerToken: 't'.repeat(2001) }, ['input', 'bearerToken']],
    ['timeoutSeconds 0', { timeoutSeconds: 0 }, ['input', 'timeoutSeconds']],
    ['timeoutSeconds 61', { timeoutSeconds: 61 }, ['input', 'timeoutSeconds']],
    ['maxRetries 11', { retryPolicy: { maxRetries: 11 } }, ['input', 'retryPolicy', 'maxRetries']],
    ['maxRetries -1', { retryPolicy: { maxRetries: -1 } }, ['input', 'retryPolicy', 'maxRetries']],
    ['backoffSeconds 0', { retryPolicy: { backoffSeconds: 0 } }, ['input', 'retryPolicy', 'backoffSeconds']],
    ['backoffSeconds 301', { retryPolicy: { backoffSeconds: 301 } }, ['input', 'retryPolicy', 'backoffSeconds']],
    ['WEBENGAGE without its configuration', { type: 'WEBENGAGE' }, ['input', 'configuration', 'webengage']],
    [
      'a webengage url that is not https',
      { configuration: { webengage: { webhookUrl: 'ftp://x.example.com' } } },
      ['input', 'configuration', 'webengage', 'webhookUrl'],
    ],
    ['a malformed signing secret', { signingSecret: 'not-a-secret' }, ['input', 'signingSecret']],
    ['a signing secret too short', { signingSecret: `whsec_${Buffer.alloc(8).toString('base64')}` }, ['input', 'signingSecret']],
    [
      'a bad filter path',
      { configuration: { filters: [{ field: 'a..b', expression: 'x' }] } },
      ['input', 'configuration', 'filters', '0', 'field'],
    ],
  ];

  it.each(invalid)('refuses %s with a ValidationError at its path and creates nothing', async (_label, input, path) => {
    const url = uniqueUrl();
    const { body } = await gw.request(CreateWebhook, { input: { url, topics: ['message.created'], ...input } });
    const result = body.data?.createWebhook;
    expect(result?.__typename).toBe('ValidationError');
    if (result?.__typename !== 'ValidationError') return;
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.fieldErrors.map((error) => error.path)).toContainEqual(path);
    const search = await gw.data(WebhooksBySearch, { search: new URL(url).pathname });
    expect(search.webhooks.totalCount).toBe(0);
  });

  it('reports every bad field at once', async () => {
    const { body } = await gw.request(CreateWebhook, {
      input: { url: 'http://x', topics: [], timeoutSeconds: 99, retryPolicy: { maxRetries: 99 } },
    });
    const result = body.data?.createWebhook;
    if (result?.__typename !== 'ValidationError') throw new Error('expected ValidationError');
    expect(result.fieldErrors.map((error) => error.path.join('.')).sort()).toEqual(
      ['input.retryPolicy.maxRetries', 'input.timeoutSeconds', 'input.topics', 'input.url'].sort(),
    );
  });

  it('refuses an overlapping topic at the same url with a ConflictError naming the existing webhook', async () => {
    const url = uniqueUrl();
    const first = await create({ url, topics: ['message.*'] });
    for (const topics of [['message.*'], ['message.created'], ['*']]) {
      const { body } = await gw.request(CreateWebhook, { input: { url, topics } });
      const result = body.data?.createWebhook;
      expect(result?.__typename).toBe('ConflictError');
      if (result?.__typename === 'ConflictError') {
        expect(result.code).toBe('CONFLICT');
        expect(result.existingWebhook.id).toBe(first.webhook.id);
      }
    }
    // A topic outside the family, or another url, is fine.
    await create({ url, topics: ['workflow.created'] });
    await create({ topics: ['message.*'] });
  });
});

const WebhooksBySearch = graphql(`
  query WebhooksBySearch($search: String!) {
    webhooks(filter: { search: $search }) { totalCount nodes { id } }
  }
`);

const WebhooksPage = graphql(`
  query WebhooksPage($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookFilter) {
    webhooks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      edges { cursor node { id name } }
      nodes { id }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

describe('webhooks connection', () => {
  it('pages newest first in both directions without repeating a row', async () => {
    const tenant = await gw.keyFor(['ADMIN'], 'paging-tenant');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const data = await gw.data(CreateWebhook, { input: { url: uniqueUrl(), topics: ['message.created'], name: `p${i}` } }, tenant);
      if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
      ids.push(data.createWebhook.webhook.id);
    }
    const newestFirst = [...ids].reverse();

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: WebhooksPageQuery['webhooks'] = (await gw.data(WebhooksPage, { first: 3, after }, tenant)).webhooks;
      expect(page.totalCount).toBe(7);
      expect(page.nodes.map((n) => n.id)).toEqual(page.edges.map((e) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);

    const tail = (await gw.data(WebhooksPage, { last: 2 }, tenant)).webhooks;
    expect(tail.nodes.map((n) => n.id)).toEqual(newestFirst.slice(5));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = (await gw.data(WebhooksPage, { last: 2, before: tail.pageInfo.startCursor }, tenant)).webhooks;
    expect(before.nodes.map((n) => n.id)).toEqual(newestFirst.slice(3, 5));
    expect(before.pageInfo.hasNextPage).toBe(true);
  });

  it('filters by topic, enabled, type and search', async () => {
    const tenant = await gw.keyFor(['ADMIN'], 'filter-tenant');
    const make = async (input: Partial<CreateWebhookInput>) => {
      const data = await gw.data(CreateWebhook, { input: { url: uniqueUrl(), topics: ['message.created'], ...input } }, tenant);
      if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
      return data.createWebhook.webhook.id;
    };
    const family = await make({ topics: ['workflow.*'], name: 'Flows' });
    const all = await make({ topics: ['*'], enabled: false });
    const zap = await make({ topics: ['message.read'], type: 'ZAPIER', name: 'Zap for ORDERS' });
    const ids = async (filter: object) => (await gw.data(WebhooksPage, { filter }, tenant)).webhooks.nodes.map((n) => n.id).sort();
    expect(await ids({ topic: 'workflow.run_completed' })).toEqual([family, all].sort());
    expect(await ids({ enabled: false })).toEqual([all]);
    expect(await ids({ type: 'ZAPIER' })).toEqual([zap]);
    expect(await ids({ search: 'orders' })).toEqual([zap]);
    expect(await ids({ search: '100%_' })).toEqual([]);
  });

  it('refuses a page over 100 with a clear error', async () => {
    const { body } = await gw.request(WebhooksPage, { first: 101 });
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/first must be at most 100/);
    const both = await gw.request(WebhooksPage, { first: 1, last: 1 });
    expect(both.body.errors?.[0]?.message).toMatch(/first or last, not both/);
  });
});

describe('updateWebhook', () => {
  it('keeps absent fields, clears nullable ones with null', async () => {
    const { webhook } = await create({
      name: 'Named',
      headers: [{ name: 'X-A', value: '1' }],
      bearerToken: 'secret-bearer',
      configuration: { webengage: { webhookUrl: 'https://we.example.com/h', token: 'wt' } },
    });
    const data = await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: { name: null, headers: null, bearerToken: null, configuration: { webengage: null } },
    });
    if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error(JSON.stringify(data.updateWebhook));
    const after = await read(webhook.id);
    expect(after).toMatchObject({ name: null, headers: [], hasBearerToken: false, configuration: { webengage: null } });
    expect({
      ...after,
      name: undefined,
      headers: undefined,
      hasBearerToken: undefined,
      configuration: undefined,
      updatedAt: undefined,
    }).toEqual({
      ...webhook,
      name: undefined,
      headers: undefined,
      hasBearerToken: undefined,
      configuration: undefined,
      updatedAt: undefined,
    });
    expect(after.configuration).toEqual({ ...webhook.configuration, webengage: null });
  });

  it.each([['url'], ['topics'], ['type'], ['enabled'], ['timeoutSeconds'], ['retryPolicy'], ['configuration']])(
    'refuses null on required field %s and changes nothing',
    async (field) => {
      const { webhook } = await create();
      const { body } = await gw.request(UpdateWebhook, { id: webhook.id, input: { [field]: null } });
      const result = body.data?.updateWebhook;
      expect(result?.__typename).toBe('ValidationError');
      if (result?.__typename === 'ValidationError')
        expect(result.fieldErrors).toContainEqual({ path: ['input', field], message: expect.stringMatching(/cannot be null/) });
      expect(await read(webhook.id)).toEqual(webhook);
    },
  );

  it.each([
    [{ retryPolicy: { maxRetries: null } }, ['input', 'retryPolicy', 'maxRetries']],
    [{ configuration: { echo: null } }, ['input', 'configuration', 'echo']],
    [{ configuration: { channelTypes: null } }, ['input', 'configuration', 'channelTypes']],
  ])('refuses null on a required nested field (%j)', async (input, path) => {
    const { webhook } = await create();
    const { body } = await gw.request(UpdateWebhook, { id: webhook.id, input });
    const result = body.data?.updateWebhook;
    if (result?.__typename !== 'ValidationError') throw new Error(`expected ValidationError, got ${JSON.stringify(result)}`);
    expect(result.fieldErrors.map((error) => error.path)).toContainEqual(path);
    expect(await read(webhook.id)).toEqual(webhook);
  });

  it('merges nested inputs field by field and replaces lists whole', async () => {
    const { webhook } = await create({
      retryPolicy: { maxRetries: 2, backoffSeconds: 10, strategy: 'FIXED' },
      configuration: {
        echo: true,
        channelTypes: ['sms'],
        filters: [
          { field: 'a', expression: '1' },
          { field: 'b', expression: '2' },
        ],
      },
    });
    const data = await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: { retryPolicy: { backoffSeconds: 60 }, configuration: { filters: [{ field: 'c', expression: '3*' }] } },
    });
    if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error('update failed');
    expect(data.updateWebhook.webhook.retryPolicy).toEqual({ maxRetries: 2, backoffSeconds: 60, strategy: 'FIXED' });
    expect(data.updateWebhook.webhook.configuration).toEqual({
      echo: true,
      channelTypes: ['sms'],
      filters: [{ field: 'c', expression: '3*' }],
      webengage: null,
    });
  });

  it('changes nothing when any field is invalid', async () => {
    const { webhook } = await create({ name: 'before' });
    const { body } = await gw.request(UpdateWebhook, { id: webhook.id, input: { name: 'after', timeoutSeconds: 0 } });
    expect(body.data?.updateWebhook.__typename).toBe('ValidationError');
    expect(await read(webhook.id)).toEqual(webhook);
  });

  it('refuses a topic change that overlaps another webhook at the same url', async () => {
    const url = uniqueUrl();
    const first = await create({ url, topics: ['message.created'] });
    const second = await create({ url, topics: ['workflow.created'] });
    const { body } = await gw.request(UpdateWebhook, { id: second.webhook.id, input: { topics: ['message.*'] } });
    const result = body.data?.updateWebhook;
    if (result?.__typename !== 'ConflictError') throw new Error('expected ConflictError');
    expect(result.existingWebhook.id).toBe(first.webhook.id);
    expect(await read(second.webhook.id)).toEqual(second.webhook);
  });

  it('answers NotFoundError for an unknown id', async () => {
    const { body } = await gw.request(UpdateWebhook, { id: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV', input: { name: 'x' } });
    expect(body.data?.updateWebhook).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', id: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV' });
  });
});

describe('seed update examples replayed as GraphQL', () => {
  it('Connectly: address, then configuration merge', async () => {
    const { webhook } = await create({ topics: ['message.delivery_status'], configuration: { channelTypes: ['sms'] } });
    await gw.data(UpdateWebhook, { id: webhook.id, input: { url: 'https://example.com/webhook-v2' } });
    await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: { configuration: { echo: true, channelTypes: ['whatsapp'], filters: [{ field: 'campaign_name', expression: 'prod-*' }] } },
    });
    const after = await read(webhook.id);
    expect(after.url).toBe('https://example.com/webhook-v2');
    expect(after.configuration).toEqual({
      echo: true,
      channelTypes: ['whatsapp'],
      filters: [{ field: 'campaign_name', expression: 'prod-*' }],
      webengage: null,
    });
    expect(after.topics).toEqual(['message.delivery_status']);
  });

  it('org-apps: url, events and headers', async () => {
    const { webhook } = await create({
      topics: ['message.created', 'message.sent'],
      headers: [{ name: 'X-Custom-Header', value: 'value' }],
    });
    const data = await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: {
        url: 'https://example.com/webhook',
        topics: ['message.created', 'message.delivered'],
        headers: [{ name: 'X-Custom-Header', value: 'new-value' }],
      },
    });
    if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error(JSON.stringify(data.updateWebhook));
    expect(data.updateWebhook.webhook).toMatchObject({
      url: 'https://example.com/webhook',
      topics: ['message.created', 'message.delivered'],
      headers: [{ name: 'X-Custom-Header', value: 'new-value' }],
    });
  });

  it('Kapso: secret rotation, active and retry config', async () => {
    const { webhook, signingSecret } = await create({ topics: ['message.received', 'message.delivery_status', 'template.updated'] });
    const rotated = await gw.data(RotateSecret, { id: webhook.id, overlapSeconds: 3600 });
    if (rotated.rotateSigningSecret.__typename !== 'RotateSigningSecretSuccess') throw new Error('rotate failed');
    expect(rotated.rotateSigningSecret.signingSecret).not.toBe(signingSecret);
    const expires = Date.parse(rotated.rotateSigningSecret.previousSecretExpiresAt);
    expect(expires - Date.parse(rotated.rotateSigningSecret.webhook.updatedAt)).toBe(3600_000);
    const data = await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: { enabled: false, retryPolicy: { maxRetries: 3, backoffSeconds: 60 } },
    });
    if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error('update failed');
    expect(data.updateWebhook.webhook).toMatchObject({
      enabled: false,
      retryPolicy: { maxRetries: 3, backoffSeconds: 60, strategy: 'EXPONENTIAL' },
    });
  });

  it('Interactly: name, actions, bearer token clear, timeout and retries', async () => {
    const { webhook } = await create({ topics: ['workflow.created'], bearerToken: 'old-token', name: 'Flows' });
    expect(webhook.hasBearerToken).toBe(true);
    const data = await gw.data(UpdateWebhook, {
      id: webhook.id,
      input: {
        name: 'Workflow events',
        topics: ['workflow.created', 'workflow.run_completed'],
        enabled: true,
        bearerToken: null,
        timeoutSeconds: 30,
        retryPolicy: { maxRetries: 5, backoffSeconds: 150 },
      },
    });
    if (data.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error('update failed');
    expect(data.updateWebhook.webhook).toMatchObject({
      name: 'Workflow events',
      topics: ['workflow.created', 'workflow.run_completed'],
      enabled: true,
      hasBearerToken: false,
      timeoutSeconds: 30,
      retryPolicy: { maxRetries: 5, backoffSeconds: 150, strategy: 'EXPONENTIAL' },
    });
  });
});

const RotateSecret = graphql(`
  mutation RotateSecret($id: ID!, $overlapSeconds: Int) {
    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {
      __typename
      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { id updatedAt } }
      ... on ValidationError { fieldErrors { path message } }
      ... on NotFoundError { id }
    }
  }
`);

describe('rotateSigningSecret and deleteWebhook', () => {
  it('refuses an overlap outside 0..604800', async () => {
    const { webhook } = await create();
    const { body } = await gw.request(RotateSecret, { id: webhook.id, overlapSeconds: 604_801 });
    expect(body.data?.rotateSigningSecret).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['overlapSeconds'] }] });
  });

  it('deletes once, then answers NotFoundError', async () => {
    const { webhook } = await create();
    expect((await gw.data(DeleteWebhook, { id: webhook.id })).deleteWebhook).toEqual({
      __typename: 'DeleteWebhookSuccess',
      deletedWebhookId: webhook.id,
    });
    expect((await gw.data(GetWebhook, { id: webhook.id })).webhook).toBeNull();
    expect((await gw.data(DeleteWebhook, { id: webhook.id })).deleteWebhook).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });
});
