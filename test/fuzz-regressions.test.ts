import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { graphql } from './gql/index.ts';

/*
 * What the property-based fuzzing (fuzz-*.test.ts) found, each as the minimal counterexample it
 * shrank to, so the fix stays fixed whatever seed the next run draws.
 */

let gw: TestApp;

beforeAll(async () => {
  gw = await startTestApp({ ALLOW_PRIVATE_ADDRESSES: 'false' }, { startWorker: false });
});
afterAll(() => gw.close());

const CreateApiKey = graphql(`
  mutation FuzzRegressionCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

describe('unpaired surrogates (JSON admits "\\ud800", UTF-8 storage does not)', () => {
  it('publishEvent refuses a channelType holding a lone surrogate instead of storing it as U+FFFD', async () => {
    // Seed 1, lane 2: {"topic":"message.received","payload":{},"channelType":"\ud800"} was
    // accepted and read back as channelType "\ufffd\ufffd\ufffd".
    const { body } = await gw.request(PublishEvent, { input: { topic: 'message.received', payload: {}, channelType: '\ud800' } });
    expect(body.data?.publishEvent).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'channelType'] }] });
  });

  it('publishEvent refuses an idempotencyKey with a lone surrogate, which could never be matched again', async () => {
    const { body } = await gw.request(PublishEvent, { input: { topic: 'message.created', payload: {}, idempotencyKey: 'k\udc00' } });
    expect(body.data?.publishEvent).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'idempotencyKey'] }] });
  });

  it('createWebhook refuses lone surrogates in every stored text field, naming each', async () => {
    const { body } = await gw.request(CreateWebhook, {
      input: {
        url: 'https://hooks.example.com/\ud800',
        topics: ['message.created'],
        name: 'n\ud800',
        bearerToken: '\udfff',
        configuration: {
          channelTypes: ['sms\ud800'],
          filters: [{ field: 'a\ud800', expression: '\ud800*' }],
          webengage: { webhookUrl: 'https://we.example.com/', token: '\ud800' },
        },
      },
    });
    const result = body.data?.createWebhook;
    if (result?.__typename !== 'ValidationError') throw new Error(`expected ValidationError, got ${JSON.stringify(result)}`);
    expect(result.fieldErrors.map((error) => error.path.join('.')).sort()).toEqual(
      [
        'input.bearerToken',
        'input.configuration.channelTypes.0',
        'input.configuration.filters.0.expression',
        'input.configuration.filters.0.field',
        'input.configuration.webengage.token',
        'input.name',
        'input.url',
      ].sort(),
    );
  });

  it('createApiKey refuses a name with a lone surrogate', async () => {
    const { body } = await gw.request(CreateApiKey, { input: { name: '\ud83d', scopes: ['WEBHOOKS_READ'] } });
    expect(body.data?.createApiKey).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'name'] }] });
  });

  it('still accepts astral characters written as a surrogate pair', async () => {
    const { body } = await gw.request(PublishEvent, {
      input: { topic: 'message.created', payload: { text: '😀' }, channelType: '😀 chat', idempotencyKey: '🔑' },
    });
    expect(body.data?.publishEvent.__typename).toBe('PublishEventSuccess');
  });
});

const SearchWebhooks = graphql(`
  query FuzzRegressionSearchWebhooks($search: String!) {
    webhooks(filter: { search: $search }) { totalCount nodes { id } }
  }
`);

describe('webhooks(filter: { search }) is case-insensitive beyond ASCII', () => {
  it('finds a webhook named with non-ASCII capitals by its exact name, lower case and upper case', async () => {
    // SQLite's lower() left "É" alone while the search was lowered in JavaScript, so "École"
    // could not even find itself.
    const tenant = await gw.keyFor(['ADMIN'], 'unicode-search');
    const created = await gw.data(
      CreateWebhook,
      { input: { url: 'https://hooks.example.com/school', topics: ['message.created'], name: 'École Ÿ' } },
      tenant,
    );
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    for (const search of ['École', 'école', 'ÉCOLE', 'ÿ', 'Ÿ']) {
      const { webhooks } = await gw.data(SearchWebhooks, { search }, tenant);
      expect({ search, ids: webhooks.nodes.map((node) => node.id) }).toEqual({ search, ids: [created.createWebhook.webhook.id] });
    }
    // Lowering is not accent folding: "ecole" is another word.
    expect((await gw.data(SearchWebhooks, { search: 'ecole' }, tenant)).webhooks.totalCount).toBe(0);
  });
});
