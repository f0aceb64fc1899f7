/*
 * The live baseline: bare graphql-yoga + graphql-ws with one subscription, `tick`, that the
 * server itself publishes TICKS_PER_SECOND times a second (in 10 ms batches), each stamped with
 * Date.now(). What a subscriber sees of it is the floor for publish-to-subscriber latency.
 */
import { createServer } from 'node:http';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import { WebSocketServer } from 'ws';
import { serveOnLoopback } from './serve.ts';

type Tick = { seq: number; sentAt: number };
const pubsub = createPubSub<{ tick: [Tick] }>();
const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Tick {
        seq: Int!
        sentAt: Float!
      }
      type Query {
        hello: String
      }
      type Subscription {
        tick: Tick!
      }
    `,
    resolvers: {
      Query: { hello: () => 'world' },
      Subscription: { tick: { subscribe: () => pubsub.subscribe('tick'), resolve: (tick: Tick) => tick } },
    },
  }),
});
const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
useServer(
  {
    execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
    subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
    onSubscribe: async (ctx, _id, payload) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        params: payload,
      });
      const args = {
        schema,
        operationName: payload.operationName,
        document: parse(payload.query),
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length > 0 ? errors : args;
    },
  },
  wss,
);

const perSecond = Number(process.env.TICKS_PER_SECOND ?? 1000);
let seq = 0;
const started = Date.now();
setInterval(() => {
  // Catch up to where the schedule says we should be, like a paced publisher.
  const due = Math.floor(((Date.now() - started) * perSecond) / 1000);
  while (seq < due) pubsub.publish('tick', { seq: seq++, sentAt: Date.now() });
}, 10);

serveOnLoopback(server, {
  scheme: 'ws',
  path: yoga.graphqlEndpoint,
  beforeClose: () => {
    for (const client of wss.clients) client.terminate();
  },
});
