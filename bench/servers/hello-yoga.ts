/* The read baseline: a bare graphql-yoga hello-world on node:http. */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { serveOnLoopback } from './serve.ts';

const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Query {
        hello: String
      }
    `,
    resolvers: { Query: { hello: () => 'world' } },
  }),
});
const server = createServer(yoga);
serveOnLoopback(server, { path: yoga.graphqlEndpoint });
