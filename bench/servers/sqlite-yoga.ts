/*
 * The write baseline: bare graphql-yoga whose mutations insert or update one row with
 * better-sqlite3 (same pragmas as the gateway: WAL, synchronous NORMAL). No auth, no validation.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import SQLite from 'better-sqlite3';
import { createSchema, createYoga } from 'graphql-yoga';
import { serveOnLoopback } from './serve.ts';

const sqlite = new SQLite(process.env.DATABASE_PATH ?? ':memory:');
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.exec(`create table if not exists webhooks (
  id text primary key, url text not null, name text, topics text not null, created_at integer not null, updated_at integer not null
)`);
const insert = sqlite.prepare('insert into webhooks (id, url, name, topics, created_at, updated_at) values (?, ?, ?, ?, ?, ?) returning *');
const update = sqlite.prepare('update webhooks set name = ?, updated_at = ? where id = ? returning *');

type Row = { id: string; url: string; name: string | null; topics: string };

const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Webhook {
        id: ID!
        url: String!
        name: String
        topics: [String!]!
      }
      type Query {
        hello: String
      }
      type Mutation {
        createWebhook(url: String!, topics: [String!]!, name: String): Webhook!
        updateWebhook(id: ID!, name: String): Webhook
      }
    `,
    resolvers: {
      Query: { hello: () => 'world' },
      Webhook: { topics: (row: Row) => JSON.parse(row.topics) as string[] },
      Mutation: {
        createWebhook: (_root: unknown, args: { url: string; topics: string[]; name?: string | null }) => {
          const now = Date.now();
          return insert.get(randomUUID(), args.url, args.name ?? null, JSON.stringify(args.topics), now, now) as Row;
        },
        updateWebhook: (_root: unknown, args: { id: string; name?: string | null }) =>
          (update.get(args.name ?? null, Date.now(), args.id) as Row | undefined) ?? null,
      },
    },
  }),
});
const server = createServer(yoga);
serveOnLoopback(server, { path: yoga.graphqlEndpoint, afterClose: () => sqlite.close() });
