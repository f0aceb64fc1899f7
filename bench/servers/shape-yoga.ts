/*
 * A second read reference: bare graphql-yoga answering the read scenario's exact query
 * (`webhooks(first: 20)`, every field) from 20 objects in memory. No auth, no database. What it
 * reaches is the cost of that response shape in yoga + graphql-js alone.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { serveOnLoopback } from './serve.ts';

const now = Date.now();
const webhooks = Array.from({ length: 20 }, (_, i) => ({
  id: `wh_01JD0000000000000000000${String(i).padStart(3, '0')}`,
  name: `Webhook ${i}`,
  url: `http://127.0.0.1:9/hooks/${i}`,
  type: 'CUSTOM',
  topics: ['order.*', `customer.${i}`],
  enabled: true,
  disabledReason: null,
  bearerToken: null as string | null,
  timeoutSeconds: 15,
  headers: [{ name: 'x-tenant-ref', value: `ref-${i}` }],
  retryPolicy: { maxRetries: 5, backoffSeconds: 30, strategy: 'EXPONENTIAL' },
  configuration: { echo: false, channelTypes: [] as string[], filters: [{ field: 'region', expression: 'eu-*' }] },
  createdAt: now - i * 1000,
  updatedAt: now - i * 1000,
}));
type Webhook = (typeof webhooks)[number];

const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      scalar DateTime
      enum WebhookType { CUSTOM ZAPIER WEBENGAGE INTEGROMAT_MAKE }
      enum BackoffStrategy { EXPONENTIAL LINEAR FIXED }
      type HttpHeader { name: String! value: String! }
      type RetryPolicy { maxRetries: Int! backoffSeconds: Int! strategy: BackoffStrategy! }
      type PayloadFilter { field: String! expression: String! }
      type WebhookConfiguration { echo: Boolean! channelTypes: [String!]! filters: [PayloadFilter!]! }
      type Webhook {
        id: ID! name: String url: String! type: WebhookType! topics: [String!]! enabled: Boolean! disabledReason: String
        hasBearerToken: Boolean! timeoutSeconds: Int! headers: [HttpHeader!]! retryPolicy: RetryPolicy!
        configuration: WebhookConfiguration! createdAt: DateTime! updatedAt: DateTime!
      }
      type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
      type WebhookConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Webhook!]! }
      type Query { webhooks(first: Int, after: String): WebhookConnection! }
    `,
    resolvers: {
      DateTime: {
        serialize: (value: unknown) => new Date(value as number).toISOString(),
      } as never,
      Webhook: { hasBearerToken: (webhook: Webhook) => webhook.bearerToken !== null },
      Query: {
        webhooks: (_root: unknown, args: { first?: number | null }) => {
          const nodes = webhooks.slice(0, args.first ?? 20);
          return {
            totalCount: webhooks.length,
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: nodes[0]?.id, endCursor: nodes.at(-1)?.id },
            nodes,
          };
        },
      },
    },
  }),
});
const server = createServer(yoga);
serveOnLoopback(server, { path: yoga.graphqlEndpoint });
