import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, isAbstractType, isObjectType, parse, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAt } from './helpers/app.ts';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { sseSubscribe, subscribe, wsClient } from './helpers/live.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';
import { observedFields, valuesAt, walkRoot, type Needs, type Walk } from './helpers/scope-walk.ts';

/*
 * Walks the printed schema and asks the real gateway process, for each scope, every field of the
 * types that hold tenant data, through every root field the scope may call: data where the scope
 * allows it, FORBIDDEN at that very field where it does not, and none of the values it guards
 * anywhere in the response. The policy below is the README's scope table, written out as the test
 * expects it; the selections come from the schema, so a new field or type is probed unasked.
 */

const READ = 'WEBHOOKS_READ';
const WRITE = 'WEBHOOKS_WRITE';
const SECRETS = 'WEBHOOKS_SECRETS';
const PUBLISH = 'EVENTS_PUBLISH';
const ADMIN = 'ADMIN';

/** The scope every field of a type needs (but `id` on a Node: the handle a mutation hands back). */
const typeScopes: Record<string, string> = {
  Webhook: READ,
  HttpHeader: READ,
  RetryPolicy: READ,
  WebhookConfiguration: READ,
  PayloadFilter: READ,
  WebengageConfiguration: READ,
  WebhookStats: READ,
  WebhookActivity: READ,
  HeldDeliveries: READ,
  ActivityMinute: READ,
  Event: READ,
  Delivery: READ,
  DeliveryAttempt: READ,
  ApiKey: ADMIN,
  AuditLogEntry: ADMIN,
};
/**
 * Object types any key that reaches them may read: the caller itself, the catalog, mutation
 * payloads and errors (their guarded parts are guarded types), and connection plumbing, which
 * only guarded fields and READ roots return. A new object type must be put here or in typeScopes.
 */
const openTypes = new Set([
  'Query',
  'Mutation',
  'Subscription',
  'Viewer',
  // The tenant's stored bytes and quota: what any of its keys may be refused for, so any may see it.
  'TenantStorage',
  'EventType',
  'PageInfo',
  'FieldError',
  'ValidationError',
  'NotFoundError',
  'ConflictError',
  'ForbiddenError',
  'RateLimitedError',
  'StorageQuotaExceededError',
  'CreateApiKeySuccess',
  'RevokeApiKeySuccess',
  'CreateWebhookSuccess',
  'UpdateWebhookSuccess',
  'DeleteWebhookSuccess',
  'RotateSigningSecretSuccess',
  'PauseWebhookSuccess',
  'PublishEventSuccess',
  'RedeliverSuccess',
  'RedeliverFailedSuccess',
  'SendTestEventSuccess',
  'RecoverDeliveriesSuccess',
  'ReplayEventsSuccess',
  'WebhookConnection',
  'WebhookEdge',
  'EventConnection',
  'EventEdge',
  'DeliveryConnection',
  'DeliveryEdge',
  'AuditLogConnection',
  'AuditLogEdge',
]);
/** Node ids a key may read wherever it meets the object: the handles mutations hand back (an ApiKey's is ADMIN's alone). */
const openIds = new Set(['Webhook.id', 'Event.id', 'Delivery.id', 'DeliveryAttempt.id']);
/** Fields that need a scope on top of their type's. */
const fieldScopes: Record<string, string> = { 'Webhook.signingSecret': SECRETS };
/** Who may call each root field (null: any valid key). */
const rootScopes: Record<string, string | null> = {
  'Query.viewer': null,
  'Query.node': READ,
  'Query.webhook': READ,
  'Query.webhooks': READ,
  'Query.eventTypes': null,
  'Query.event': READ,
  'Query.events': READ,
  'Query.delivery': READ,
  'Query.deliveries': READ,
  'Query.apiKeys': ADMIN,
  'Query.auditLog': ADMIN,
  'Mutation.createApiKey': ADMIN,
  'Mutation.revokeApiKey': ADMIN,
  'Mutation.createWebhook': WRITE,
  'Mutation.updateWebhook': WRITE,
  'Mutation.deleteWebhook': WRITE,
  'Mutation.rotateSigningSecret': WRITE,
  'Mutation.pauseWebhook': WRITE,
  'Mutation.resumeWebhook': WRITE,
  'Mutation.publishEvent': PUBLISH,
  'Mutation.redeliver': WRITE,
  'Mutation.redeliverFailed': WRITE,
  'Mutation.recoverDeliveries': WRITE,
  'Mutation.replayEvents': WRITE,
  'Mutation.sendTestEvent': WRITE,
  'Subscription.deliveryAttempts': READ,
  'Subscription.deliveryUpdated': READ,
  'Subscription.gatewayEvents': READ,
};

const keySets: string[][] = [[READ], [WRITE], [SECRETS], [PUBLISH], [ADMIN], [READ, SECRETS]];

const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const grants = (held: string[], needed: string) => held.includes(ADMIN) || held.includes(needed);

function needsFor(held: string[]): Needs {
  return (typeName, fieldName) => {
    const chain = [openIds.has(`${typeName}.${fieldName}`) ? undefined : typeScopes[typeName], fieldScopes[`${typeName}.${fieldName}`]];
    return chain.find((scope): scope is string => scope !== undefined && !grants(held, scope)) ?? null;
  };
}

// Distinct tokens inside every value a scope guards, so a leak is a substring search.
const run = Math.random().toString(36).slice(2, 10);
const readToken = `R${run}R`;
const adminToken = `A${run}A`;
const neverToken = `N${run}N`;
const secretA = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const secretB = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

/** What must not appear anywhere in a response to a key with these scopes. */
function hiddenFrom(held: string[]): string[] {
  return [
    neverToken,
    seed.victimKey,
    ...(grants(held, READ) ? [] : [readToken]),
    ...(grants(held, READ) && grants(held, SECRETS) ? [] : [secretA, secretB]),
    ...(grants(held, ADMIN) ? [] : [adminToken]),
  ];
}

let dir: string;
let gateway: GatewayProcess;
let receiver: Receiver;
const seed = { webhookA: '', webhookB: '', event: '', delivery: '', attempt: '', victimKeyId: '', victimKey: '', failing: '' };
const keys = new Map<string, string>();
let counter = 0;

type Json = Record<string, any>;
async function post(
  query: string,
  key: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: ExecutionResult<Json> }> {
  return graphqlAt(gateway.url, parse(query) as TypedDocumentNode<Json, Record<string, unknown>>, variables, key);
}
async function admin(query: string, variables: Record<string, unknown> = {}): Promise<Json> {
  const { status, body } = await post(query, gateway.key, variables);
  if (body.errors || !body.data) throw new Error(`admin request failed (${status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function createWebhookAsAdmin(input: Record<string, unknown>): Promise<{ id: string }> {
  const data = await admin(
    `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename ... on CreateWebhookSuccess { webhook { id } } ... on Error { message } } }`,
    { input },
  );
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook;
}

async function createKey(name: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const data = await admin(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key apiKey { id } } } }`,
    { input: { name, scopes } },
  );
  return { id: data.createApiKey.apiKey.id, key: data.createApiKey.key };
}

/** The seeded delivery's attempt count, once the worker has recorded at least `atLeast` attempts. */
async function attemptsRecorded(atLeast: number): Promise<number> {
  for (let round = 0; round < 50_000; round++) {
    const data = await admin(`query($id: ID!) { delivery(id: $id) { attemptCount } }`, { id: seed.delivery });
    if (data.delivery.attemptCount >= atLeast) return data.delivery.attemptCount;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`the seeded delivery never reached ${atLeast} attempts`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scope-walk-'));
  receiver = await startReceiver();
  receiver.reply((request) =>
    request.path.startsWith('/fail') ? { status: 500, body: 'no' } : { status: 200, body: `response-${readToken}` },
  );
  // The walk holds a subscription open per probe and key, many of them selecting Event.payload:
  // more than a tenant's live budget allows (test/live-tenant-budget.test.ts tests that budget).
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), LIVE_TENANT_PAYLOAD_BYTES: String(1024 * 1024 * 1024) });

  seed.webhookA = (
    await createWebhookAsAdmin({
      url: `${receiver.url}/hook-${readToken}`,
      name: `seed-${readToken}-a`,
      topics: ['message.created'],
      headers: [{ name: 'x-tenant-token', value: `header-${readToken}` }],
      bearerToken: `bearer-${neverToken}`,
      signingSecret: secretA,
      configuration: { filters: [{ field: 'kind', expression: 'seed*' }], channelTypes: [] },
    })
  ).id;
  seed.webhookB = (
    await createWebhookAsAdmin({
      url: `${receiver.url}/webengage-${readToken}`,
      name: `seed-${readToken}-b`,
      type: 'WEBENGAGE',
      enabled: false,
      topics: ['message.created'],
      signingSecret: secretB,
      configuration: { webengage: { webhookUrl: `${receiver.url}/we-${readToken}`, token: `token-${neverToken}` } },
    })
  ).id;
  const published = await admin(
    `mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on PublishEventSuccess { deliveryCount event { id deliveries { id } } } } }`,
    { input: { topic: 'message.created', payload: { kind: 'seeded', secret: `payload-${readToken}` }, idempotencyKey: `idem-${run}` } },
  );
  expect(published.publishEvent.deliveryCount).toBe(1);
  seed.event = published.publishEvent.event.id;
  seed.delivery = published.publishEvent.event.deliveries[0].id;
  await attemptsRecorded(1);
  seed.attempt = (await admin(`query($id: ID!) { delivery(id: $id) { attempts { id } } }`, { id: seed.delivery })).delivery.attempts[0].id;
  // What the dry run of recoverDeliveries lists: a FAILED test delivery.
  seed.failing = (
    await createWebhookAsAdmin({
      url: `${receiver.url}/fail-${run}`,
      topics: ['message.created'],
      enabled: false,
      retryPolicy: { maxRetries: 0 },
    })
  ).id;
  const test = await admin(`mutation($id: ID!) { sendTestEvent(webhookId: $id) { ... on SendTestEventSuccess { delivery { id } } } }`, {
    id: seed.failing,
  });
  for (let round = 0; round < 50_000; round++) {
    const data = await admin(`query($id: ID!) { delivery(id: $id) { status } }`, { id: test.sendTestEvent.delivery.id });
    if (data.delivery.status === 'FAILED') break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const victim = await createKey(`victim-${adminToken}`, [READ]);
  seed.victimKeyId = victim.id;
  seed.victimKey = victim.key;
  for (const scopes of keySets) keys.set(scopes.join('+'), (await createKey(`walk ${scopes.join('+')}`, scopes)).key);
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `alsoNeeds`: a scope the call needs besides its root field's (node(id:) of a type the key may not read). */
type Case = { label: string; narrow?: string; alsoNeeds?: string; args: () => Promise<string> | string };
const literal = (value: unknown) => JSON.stringify(value);
const fixed = (label: string, args: string, narrow?: string): Case => ({ label, args: () => args, narrow });

/** How to call each root field; a root field missing here fails the walk. */
function casesFor(root: string): Case[] {
  const cases: Record<string, () => Case[]> = {
    'Query.viewer': () => [fixed('viewer', '')],
    'Query.eventTypes': () => [fixed('eventTypes', '')],
    'Query.node': () =>
      (
        [
          [seed.webhookA, 'Webhook'],
          [seed.webhookB, 'Webhook'],
          [seed.event, 'Event'],
          [seed.delivery, 'Delivery'],
          [seed.attempt, 'DeliveryAttempt'],
          [seed.victimKeyId, 'ApiKey'],
        ] as const
      ).map(([id, type]) => ({ ...fixed(`node(${type})`, `(id: ${literal(id)})`, type), alsoNeeds: typeScopes[type] })),
    'Query.webhook': () => [fixed('webhook A', `(id: ${literal(seed.webhookA)})`), fixed('webhook B', `(id: ${literal(seed.webhookB)})`)],
    'Query.webhooks': () => [fixed('webhooks', `(first: 2, filter: { search: ${literal(`seed-${readToken}`)} })`)],
    'Query.event': () => [fixed('event', `(id: ${literal(seed.event)})`)],
    'Query.events': () => [fixed('events', '(first: 2)')],
    'Query.delivery': () => [fixed('delivery', `(id: ${literal(seed.delivery)})`)],
    'Query.deliveries': () => [fixed('deliveries', `(first: 2, filter: { webhookId: ${literal(seed.webhookA)} })`)],
    'Query.apiKeys': () => [fixed('apiKeys', '')],
    'Query.auditLog': () => [fixed('auditLog', '(last: 5, filter: { mutation: "createWebhook" })')],
    'Mutation.createApiKey': () => [
      {
        label: 'createApiKey',
        narrow: 'CreateApiKeySuccess',
        args: () => `(input: { name: "walk ${++counter}", scopes: [WEBHOOKS_READ] })`,
      },
    ],
    'Mutation.revokeApiKey': () => [
      {
        label: 'revokeApiKey',
        narrow: 'RevokeApiKeySuccess',
        args: async () => `(id: ${literal((await createKey(`revoked ${++counter}`, [READ])).id)})`,
      },
    ],
    'Mutation.createWebhook': () => [
      {
        label: 'createWebhook',
        narrow: 'CreateWebhookSuccess',
        args: () => `(input: { url: ${literal(`${receiver.url}/probe-${++counter}`)}, topics: ["message.created"], enabled: false })`,
      },
      fixed(
        'createWebhook conflict',
        `(input: { url: ${literal(`${receiver.url}/hook-${readToken}`)}, topics: ["message.created"] })`,
        'ConflictError',
      ),
    ],
    'Mutation.updateWebhook': () => [
      fixed('updateWebhook', `(id: ${literal(seed.webhookA)}, input: { enabled: true })`, 'UpdateWebhookSuccess'),
    ],
    'Mutation.deleteWebhook': () => [
      { label: 'deleteWebhook', narrow: 'DeleteWebhookSuccess', args: async () => `(id: ${literal((await throwaway()).id)})` },
    ],
    'Mutation.rotateSigningSecret': () => [
      {
        label: 'rotateSigningSecret',
        narrow: 'RotateSigningSecretSuccess',
        args: async () => `(id: ${literal((await throwaway()).id)}, overlapSeconds: 0)`,
      },
    ],
    'Mutation.pauseWebhook': () => [
      { label: 'pauseWebhook', narrow: 'PauseWebhookSuccess', args: async () => `(id: ${literal((await throwaway()).id)})` },
    ],
    'Mutation.resumeWebhook': () => [
      { label: 'resumeWebhook', narrow: 'PauseWebhookSuccess', args: async () => `(id: ${literal((await throwaway()).id)})` },
    ],
    // The same idempotency key as the seeded event: the answer is that event, which the caller did not publish.
    'Mutation.publishEvent': () => [
      fixed(
        'publishEvent',
        `(input: { topic: "message.created", payload: { probe: true }, idempotencyKey: ${literal(`idem-${run}`)} })`,
        'PublishEventSuccess',
      ),
    ],
    'Mutation.redeliver': () => [fixed('redeliver', `(deliveryId: ${literal(seed.delivery)})`, 'RedeliverSuccess')],
    'Mutation.redeliverFailed': () => [
      fixed(
        'redeliverFailed',
        `(webhookId: ${literal(seed.webhookA)}, since: ${literal(new Date(Date.now() - 3_600_000).toISOString())})`,
        'RedeliverFailedSuccess',
      ),
    ],
    // A dry run: the walk reads what it answers without resending anything.
    'Mutation.recoverDeliveries': () => [
      fixed(
        'recoverDeliveries',
        `(webhookId: ${literal(seed.failing)}, since: ${literal(new Date(Date.now() - 3_600_000).toISOString())}, dryRun: true)`,
        'RecoverDeliveriesSuccess',
      ),
    ],
    // A webhook created after the seeded event, whose filter takes it and no later one: the replay delivers it there.
    'Mutation.replayEvents': () => [
      {
        label: 'replayEvents',
        narrow: 'ReplayEventsSuccess',
        args: async () => {
          const target = await createWebhookAsAdmin({
            url: `${receiver.url}/replay-${++counter}`,
            topics: ['message.created'],
            configuration: { filters: [{ field: 'kind', expression: 'seeded' }] },
          });
          return `(webhookId: ${literal(target.id)}, since: ${literal(new Date(Date.now() - 3_600_000).toISOString())})`;
        },
      },
    ],
    'Mutation.sendTestEvent': () => [fixed('sendTestEvent', `(webhookId: ${literal(seed.webhookA)})`, 'SendTestEventSuccess')],
  };
  const found = cases[root];
  if (!found) throw new Error(`the scope walk does not know how to call ${root}: add it to casesFor and rootScopes`);
  return found();
}

const throwaway = () =>
  createWebhookAsAdmin({ url: `${receiver.url}/throwaway-${readToken}-${++counter}`, topics: ['message.created'], enabled: false });

const rootFields = (type: GraphQLObjectType | null | undefined) =>
  Object.values(type?.getFields() ?? {}).map((field) => ({ name: field.name, key: `${type!.name}.${field.name}`, type: field.type }));
const httpRoots = [
  ...rootFields(schema.getQueryType()).map((root) => ({ ...root, operation: 'query' })),
  ...rootFields(schema.getMutationType()).map((root) => ({ ...root, operation: 'mutation' })),
];
const subscriptionRoots = rootFields(schema.getSubscriptionType());

// What the walk saw, over all keys: "Type.field" read as data, and "Type.field" refused.
const observed = new Set<string>();
const refused = new Set<string>();

function namedTypeOf(root: { type: unknown }) {
  let type = root.type as { ofType?: unknown; name?: string };
  while (type.ofType) type = type.ofType as typeof type;
  return schema.getType(type.name!)!;
}

function expectNoLeak(held: string[], response: unknown, where: string) {
  const text = JSON.stringify(response);
  for (const hidden of hiddenFrom(held))
    expect(text.includes(hidden), `${where}: the response holds a value ${held.join('+')} may not read`).toBe(false);
}

const stripIndexes = (path: readonly (string | number)[] | undefined) => (path ?? []).filter((part) => typeof part === 'string');

describe.each(keySets.map((scopes) => [scopes.join('+'), scopes] as const))('a key with %s', (label, held) => {
  it('reads every field its scopes allow and gets FORBIDDEN at every other, over HTTP', async () => {
    const key = keys.get(label)!;
    const needs = needsFor(held);
    for (const root of httpRoots) {
      expect(rootScopes, `rootScopes lacks ${root.key}`).toHaveProperty([root.key]);
      for (const call of casesFor(root.key)) {
        const where = `${label} ${call.label}`;
        const rootScope = [rootScopes[root.key], call.alsoNeeds].find((scope) => scope && !grants(held, scope));
        if (rootScope) {
          // Refused at the root, with the whole selection an ADMIN could make asked for.
          const full = walkRoot(schema, namedTypeOf(root), needsFor([ADMIN]), call.narrow).allowed;
          const selection = root.operation === 'mutation' ? full.replace(/}$/, '... on ForbiddenError { requiredScope } }') : full;
          const { body } = await post(`${root.operation} { ${root.name}${await call.args()} ${selection} }`, key);
          expectNoLeak(held, body, where);
          refused.add(root.key);
          if (root.operation === 'mutation')
            expect(body.data?.[root.name], where).toMatchObject({ __typename: 'ForbiddenError', requiredScope: rootScope });
          else {
            expect(body.data?.[root.name] ?? null, where).toBeNull();
            expect(body.errors?.[0], where).toMatchObject({
              path: [root.name],
              extensions: { code: 'FORBIDDEN', requiredScope: rootScope },
            });
          }
          continue;
        }
        const walk: Walk = walkRoot(schema, namedTypeOf(root), needs, call.narrow);
        const allowed = await post(`${root.operation} { ${root.name}${await call.args()} ${walk.allowed} }`, key);
        expect(allowed.body.errors, `${where}: ${JSON.stringify(allowed.body.errors)}`).toBeUndefined();
        const value = allowed.body.data?.[root.name];
        expect(value, where).not.toBeNull();
        if (call.narrow) expect(value.__typename, where).toBe(call.narrow);
        expectNoLeak(held, allowed.body, where);
        observedFields(value, observed);
        for (const probe of walk.probes) {
          const { body } = await post(`${root.operation} { ${root.name}${await call.args()} ${probe.selection} }`, key);
          const at = `${where} -> ${probe.typeField}`;
          expectNoLeak(held, body, at);
          expect(
            (body.errors ?? []).map((error) => ({ path: stripIndexes(error.path), ...error.extensions })),
            `${at}: ${JSON.stringify(body).slice(0, 400)}`,
          ).toContainEqual({
            path: [root.name, ...probe.path],
            code: 'FORBIDDEN',
            requiredScope: probe.requiredScope,
          });
          expect(valuesAt(body.data?.[root.name], probe.path), at).toEqual([]);
          refused.add(probe.typeField);
        }
      }
    }
  });
});

describe('subscriptions over graphql-ws and SSE', () => {
  it('stream every field the scopes allow and FORBIDDEN at every other, for an attempt as it happens', async () => {
    type Stream = {
      where: string;
      held: string[];
      path?: string[];
      root: string;
      requiredScope?: string;
      next: () => Promise<ExecutionResult<Json> | null>;
      ready: () => boolean;
    };
    const streams: Stream[] = [];
    const closes: (() => void)[] = [];
    for (const held of keySets) {
      const label = held.join('+');
      const key = keys.get(label)!;
      const ws = wsClient(gateway.url, { apiKey: key });
      closes.push(() => void ws.client.dispose());
      if (!grants(held, READ)) {
        // Refused when the connection opens; SSE, which has no connection, refuses the operation.
        expect(await ws.closed, label).toMatchObject({ code: 4403 });
        for (const root of subscriptionRoots) {
          const full = walkRoot(schema, namedTypeOf(root), needsFor([ADMIN]));
          const sse = await sseSubscribe(
            gateway.url,
            parse(`subscription { ${root.name} ${full.allowed} }`) as TypedDocumentNode<Json, never>,
            undefined,
            { 'x-api-key': key },
          );
          const result = await sse.next();
          sse.close();
          expectNoLeak(held, result, `${label} SSE ${root.name}`);
          expect(result?.data?.[root.name] ?? null).toBeNull();
          expect(result?.errors?.[0], `${label} SSE ${root.name}`).toMatchObject({
            extensions: { code: 'FORBIDDEN', requiredScope: READ },
          });
          refused.add(root.key);
        }
        continue;
      }
      for (const root of subscriptionRoots) {
        const walk = walkRoot(schema, namedTypeOf(root), needsFor(held));
        const selections = [{ selection: walk.allowed }, ...walk.probes];
        for (const probe of selections) {
          const document = parse(`subscription { ${root.name} ${probe.selection} }`) as TypedDocumentNode<Json, never>;
          const described =
            'typeField' in probe ? { path: probe.path, requiredScope: probe.requiredScope, tag: probe.typeField } : { tag: 'allowed' };
          const overWs = subscribe(ws.client, document);
          closes.push(overWs.dispose);
          streams.push({
            where: `${label} ws ${root.name} ${described.tag}`,
            held,
            root: root.name,
            ...described,
            next: () => overWs.next(),
            ready: () => overWs.pending > 0,
          });
          const sse = await sseSubscribe(gateway.url, document, undefined, { 'x-api-key': key });
          closes.push(sse.close);
          streams.push({
            where: `${label} SSE ${root.name} ${described.tag}`,
            held,
            root: root.name,
            ...described,
            next: () => sse.next(),
            ready: () => true,
          });
        }
      }
    }
    // graphql-ws does not say when a subscription has started: make attempts, and operational
    // events (a webhook disabled, enabled), until every stream has had one.
    // Of a topic nothing here publishes, so it takes no seeded event whichever state it ends in.
    const toggled = await createWebhookAsAdmin({ url: `${receiver.url}/toggled-${readToken}`, topics: ['walk.toggled'], enabled: false });
    // Each of those events is delivered to a webhook, so its deliveries lead somewhere to probe.
    await createWebhookAsAdmin({ url: `${receiver.url}/monitor-${readToken}`, topics: ['gateway.webhook.*'] });
    let attempts = await attemptsRecorded(1);
    for (let round = 0; round < 100 && !streams.every((stream) => stream.ready()); round++) {
      await admin(`mutation($id: ID!) { redeliver(deliveryId: $id) { __typename } }`, { id: seed.delivery });
      await admin(`mutation($id: ID!, $on: Boolean!) { updateWebhook(id: $id, input: { enabled: $on }) { __typename } }`, {
        id: toggled.id,
        on: round % 2 === 0,
      });
      attempts = await attemptsRecorded(attempts + 1);
    }
    for (const stream of streams) {
      const result = await stream.next();
      expectNoLeak(stream.held, result, stream.where);
      if (!stream.path) {
        expect(result?.errors, `${stream.where}: ${JSON.stringify(result?.errors)}`).toBeUndefined();
        observedFields(result?.data?.[stream.root], observed);
        continue;
      }
      expect(
        (result?.errors ?? []).map((error) => ({ path: stripIndexes(error.path), ...error.extensions })),
        `${stream.where}: ${JSON.stringify(result).slice(0, 400)}`,
      ).toContainEqual({
        path: [stream.root, ...stream.path],
        code: 'FORBIDDEN',
        requiredScope: stream.requiredScope,
      });
      expect(valuesAt(result?.data?.[stream.root], stream.path), stream.where).toEqual([]);
    }
    for (const close of closes) close();
  });
});

describe('the queries from issue 10', () => {
  const leakingPublish = `mutation { publishEvent(input: { topic: "message.created", payload: { kind: "seeded-again" } }) {
    __typename ... on PublishEventSuccess { deliveryCount event { id deliveries { id webhook { url headers { name value } } event { payload } } } } } }`;
  const leakingTest = `mutation { sendTestEvent(webhookId: "WEBHOOK") {
    __typename ... on SendTestEventSuccess { delivery { id event { payload } webhook { url headers { name value } deliveries { nodes { event { payload } } } } } } } }`;

  it('a publish-only key publishes, learns the event id and delivery count, and nothing of the webhooks it reached', async () => {
    const key = keys.get(PUBLISH)!;
    const { body } = await post(leakingPublish, key);
    expectNoLeak([PUBLISH], body, 'publishEvent');
    expect(body.errors?.[0]).toMatchObject({
      path: ['publishEvent', 'event', 'deliveries'],
      extensions: { code: 'FORBIDDEN', requiredScope: READ },
    });
    // Non-null all the way up: GraphQL nulls the whole data, as the README says.
    expect(body.data ?? null).toBeNull();
    const allowed = await post(
      `mutation { publishEvent(input: { topic: "message.created", payload: { kind: "seeded-again" } }) {
      __typename ... on PublishEventSuccess { deliveryCount event { id } } } }`,
      key,
    );
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data?.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 1 });
    // The publish took effect, refused fields or not: both events are there, each with its delivery.
    const seen = await admin(`query($id: ID!) { event(id: $id) { deliveries { webhookId } } }`, {
      id: allowed.body.data?.publishEvent.event.id,
    });
    expect(seen.event.deliveries).toEqual([{ webhookId: seed.webhookA }]);
  });

  it('a write-only key sends a test event and learns its delivery id, and nothing of the event or webhook', async () => {
    const key = keys.get(WRITE)!;
    const { body } = await post(leakingTest.replace('WEBHOOK', seed.webhookA), key);
    expectNoLeak([WRITE], body, 'sendTestEvent');
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(error).toMatchObject({ extensions: { code: 'FORBIDDEN', requiredScope: READ } });
      expect(['sendTestEvent.delivery.event', 'sendTestEvent.delivery.webhook']).toContain(error.path?.join('.'));
    }
    const allowed = await post(
      `mutation { sendTestEvent(webhookId: "${seed.webhookA}") { __typename ... on SendTestEventSuccess { delivery { id } } } }`,
      key,
    );
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data?.sendTestEvent.delivery.id).toMatch(/^dlv_/);
  });
});

describe('coverage of the walk', () => {
  it('knows who may read every object type of the schema', () => {
    const unknown = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .map((type) => type.name)
      .filter((name) => !name.startsWith('__') && !openTypes.has(name) && !(name in typeScopes));
    expect(unknown, 'decide which scope reads these types (typeScopes) or that any key may (openTypes)').toEqual([]);
  });

  it('read every field of every guarded type as data for some key, and was refused it (or every way to it) for another', () => {
    const objectTypes = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('__'));
    const parentsOf = (typeName: string) =>
      objectTypes.flatMap((type) =>
        Object.values(type.getFields())
          .filter((field) => {
            const named = namedTypeOf(field);
            return (
              named.name === typeName ||
              (isAbstractType(named) && schema.getPossibleTypes(named).some((member) => member.name === typeName))
            );
          })
          .map((field) => `${type.name}.${field.name}`),
      );
    // Refused itself, or every field that leads to its type was (and so on up), for some key.
    const covered = (typeField: string, seen = new Set<string>()): boolean => {
      if (refused.has(typeField)) return true;
      if (seen.has(typeField)) return false;
      seen.add(typeField);
      const parents = parentsOf(typeField.split('.')[0]!);
      return parents.length > 0 && parents.every((parent) => covered(parent, seen));
    };
    for (const typeName of Object.keys(typeScopes)) {
      const type = schema.getType(typeName) as GraphQLObjectType;
      for (const field of Object.keys(type.getFields())) {
        const typeField = `${typeName}.${field}`;
        expect(observed.has(typeField), `${typeField} was never read as data`).toBe(true);
        if (openIds.has(typeField)) expect(refused.has(typeField), `${typeField} is open`).toBe(false);
        else
          expect(refused.has(typeField) || parentsOf(typeName).every((parent) => covered(parent)), `${typeField} was never refused`).toBe(
            true,
          );
      }
    }
  });
});
