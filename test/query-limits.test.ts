import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let gw: TestApp;
beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
});
afterAll(() => gw.close());

const Nested = graphql(`
  query TooNested {
    webhooks(first: 100) {
      nodes {
        deliveries(first: 100) {
          nodes { attempts { id delivery { webhook { deliveries(first: 100) { nodes { id } } } } } }
        }
      }
    }
  }
`);

const Ordinary = graphql(`
  query OrdinaryPage {
    webhooks(first: 100) {
      totalCount
      edges { cursor node { id name url topics deliveries(first: 10) { totalCount nodes { id status attempts { id outcome } } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const Deep = graphql(`
  query TooDeep {
    webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { id } } } } } } } } } } } } }
  }
`);

describe('query limits', () => {
  it('refuses a query whose nested lists could multiply past the limit, before running it', async () => {
    const { body } = await gw.request(Nested, {});
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Query would cost \d+; at most 50000/),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('refuses a query nested deeper than 12 levels, while validating', async () => {
    const { body } = await gw.request(Deep, {});
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Query depth limit of 12 exceeded, found \d+/),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('lets an ordinary page with nested deliveries through', async () => {
    const { body } = await gw.request(Ordinary, {});
    expect(body.errors).toBeUndefined();
    expect(body.data?.webhooks.totalCount).toBe(0);
  });
});
