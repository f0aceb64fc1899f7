import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock } from './helpers/clock.ts';
import { CreateWebhook, GetWebhook } from './helpers/documents.ts';

const clock = fakeClock();
let gw: TestApp;
beforeAll(async () => {
  gw = await startTestApp({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2' }, { clock, startWorker: false });
});
afterAll(() => gw.close());

const Limited = graphql(`
  mutation LimitedCreate($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookSuccess { webhook { id } }
      ... on RateLimitedError { message code retryAfterSeconds }
    }
  }
`);

describe('rate limiting', () => {
  it('answers RateLimitedError past the burst, per key, changes nothing, and lets the key go on once tokens refill', async () => {
    const key = await gw.keyFor(['ADMIN'], 'limited');
    const create = (n: number, k = key) =>
      gw.data(Limited, { input: { url: `http://127.0.0.1:9/rl/${n}`, topics: ['message.created'] } }, k);
    expect((await create(1)).createWebhook.__typename).toBe('CreateWebhookSuccess');
    expect((await create(2)).createWebhook.__typename).toBe('CreateWebhookSuccess');
    const refused = (await create(3)).createWebhook;
    expect(refused).toEqual({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      message: expect.stringMatching(/retry after 1 s/),
    });
    const search = await gw.data(graphql(`query LimitedSearch { webhooks(filter: { search: "/rl/3" }) { totalCount } }`), {}, key);
    expect(search.webhooks.totalCount).toBe(0);

    // Queries are not limited, and another key has its own bucket.
    expect((await gw.request(GetWebhook, { id: 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, key)).body.errors).toBeUndefined();
    expect((await create(4, await gw.keyFor(['ADMIN'], 'limited'))).createWebhook.__typename).toBe('CreateWebhookSuccess');

    clock.advance(1000);
    expect((await create(5)).createWebhook.__typename).toBe('CreateWebhookSuccess');
    expect((await create(6)).createWebhook.__typename).toBe('RateLimitedError');
  });

  it('is checked after the scope: a key without it gets ForbiddenError, not RateLimitedError', async () => {
    const reader = await gw.keyFor(['WEBHOOKS_READ'], 'limited-reader');
    for (let n = 0; n < 4; n++) {
      const result = await gw.data(CreateWebhook, { input: { url: `http://127.0.0.1:9/ro/${n}`, topics: ['x'] } }, reader);
      expect(result.createWebhook.__typename).toBe('ForbiddenError');
    }
  });
});
