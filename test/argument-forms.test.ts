import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, fetchExchange, subscriptionExchange, type OperationResult } from '@urql/core';
import { getNamedType, isInputObjectType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  argumentForms,
  normalizer,
  publicSchema,
  renderOperation,
  type ArgumentForm,
  type OperationKind,
} from './helpers/argument-forms.ts';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { sseSubscribe, wsClient } from './helpers/live.ts';
import { METRICS_TOKEN, subscriptionsOpen } from './helpers/live-gauges.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Every argument of every root field and of nested fields, written as a literal, as a variable
 * named like its argument, as a variable named like ANOTHER argument, and as variables inside
 * literals (input objects, lists, JSON), sent by urql (a client we did not write) to the server
 * process `npm start` runs. Every form must mean the same thing.
 */

let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'gateway-forms-'));

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((request) => (request.path.startsWith('/fail') ? { status: 500, body: 'no' } : { status: 200, body: 'ok' }));
});
afterAll(async () => {
  await killGatewayProcesses();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function urqlClient(gateway: GatewayProcess, subscriptions?: ReturnType<typeof wsClient>['client']) {
  return new Client({
    url: gateway.url,
    requestPolicy: 'network-only',
    fetchOptions: { headers: { 'x-api-key': gateway.key } },
    exchanges: [
      ...(subscriptions
        ? [
            subscriptionExchange({
              forwardSubscription: (request) => ({
                subscribe: (sink) => ({
                  unsubscribe: subscriptions.subscribe(
                    { query: request.query ?? '', variables: request.variables as Record<string, unknown> },
                    sink,
                  ),
                }),
              }),
            }),
          ]
        : []),
      fetchExchange,
    ],
  });
}

/** What a client learns from a result: its data and each error's message, code and path. */
function outcome(result: OperationResult) {
  return {
    data: result.data ?? null,
    errors: result.error?.graphQLErrors.map((error) => ({ message: error.message, code: error.extensions.code, path: error.path })) ?? [],
    network: result.error?.networkError?.message ?? null,
  };
}

type Refs = Record<string, string>;
type Step = {
  kind: Exclude<OperationKind, 'subscription'>;
  field: string;
  args: (refs: Refs) => Record<string, unknown>;
  selection: string;
  /** Arguments of nested fields, written where the selection says `{{Type.field}}`. */
  nested?: (refs: Refs) => Record<string, Record<string, unknown>>;
  /** Names ids of the result for later steps. */
  keep?: (data: Record<string, any>, refs: Refs) => void;
  /** Wait until every delivery has its final status before this step reads. */
  settled?: true;
};

const okUrl = () => `${receiver.url}/ok`;
const failUrl = () => `${receiver.url}/fail`;
const webhookFields = `id name url type topics enabled disabledReason headers { name value } hasBearerToken timeoutSeconds rateLimitPerSecond
  retryPolicy { maxRetries backoffSeconds strategy }
  configuration { echo channelTypes filters { field expression } webengage { webhookUrl hasToken } }`;

const steps: Step[] = [
  {
    kind: 'mutation',
    field: 'createWebhook',
    args: () => ({
      input: {
        url: okUrl(),
        topics: ['message.*', 'delivery_status.read'],
        type: 'CUSTOM',
        name: 'Orders ✓ "quoted" \\ back',
        enabled: true,
        headers: [
          { name: 'X-Tenant', value: 't-1' },
          { name: 'X-Spaced', value: 'a  b\tc' },
        ],
        bearerToken: 'tok-123',
        timeoutSeconds: 7,
        rateLimitPerSecond: 50,
        retryPolicy: { maxRetries: 2, backoffSeconds: 5, strategy: 'LINEAR' },
        configuration: { echo: false, channelTypes: ['whatsapp', 'sms'], filters: [{ field: 'message.text', expression: 'hel*' }] },
      },
    }),
    selection: `{ __typename ... on CreateWebhookSuccess { webhook { ${webhookFields} } } ... on ValidationError { fieldErrors { path message } } }`,
    keep: (data, refs) => (refs.ok = data.createWebhook.webhook.id),
  },
  {
    kind: 'mutation',
    field: 'createWebhook',
    args: () => ({
      input: {
        url: failUrl(),
        topics: ['message.created'],
        retryPolicy: { maxRetries: 0 },
        configuration: { webengage: null },
        signingSecret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      },
    }),
    selection: `{ __typename ... on CreateWebhookSuccess { webhook { ${webhookFields} } } }`,
    keep: (data, refs) => (refs.fail = data.createWebhook.webhook.id),
  },
  {
    kind: 'mutation',
    field: 'createWebhook',
    args: () => ({
      input: {
        url: 'https://hooks.example.com/webengage',
        topics: ['*'],
        type: 'WEBENGAGE',
        enabled: false,
        configuration: { webengage: { webhookUrl: 'https://api.webengage.example/in', token: 'we-tok' } },
      },
    }),
    selection: `{ __typename ... on CreateWebhookSuccess { webhook { ${webhookFields} } } }`,
    keep: (data, refs) => (refs.webengage = data.createWebhook.webhook.id),
  },
  // Refused inputs must be refused the same way however they are written.
  {
    kind: 'mutation',
    field: 'createWebhook',
    args: () => ({ input: { url: 'ftp://x', topics: [], timeoutSeconds: 0, retryPolicy: { maxRetries: 99 } } }),
    selection: '{ __typename ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'updateWebhook',
    args: (refs) => ({
      id: refs.ok,
      input: { name: null, bearerToken: null, retryPolicy: { backoffSeconds: 9 }, configuration: { channelTypes: ['whatsapp'] } },
    }),
    selection: `{ __typename ... on UpdateWebhookSuccess { webhook { ${webhookFields} } } ... on ValidationError { fieldErrors { path message } } }`,
  },
  {
    kind: 'mutation',
    field: 'updateWebhook',
    args: (refs) => ({
      id: refs.webengage,
      input: {
        headers: null,
        configuration: { webengage: null },
        enabled: false,
        type: 'ZAPIER',
        timeoutSeconds: 60,
        rateLimitPerSecond: null,
      },
    }),
    selection: `{ __typename ... on UpdateWebhookSuccess { webhook { ${webhookFields} } } }`,
  },
  {
    kind: 'mutation',
    field: 'updateWebhook',
    args: (refs) => ({ id: refs.ok, input: { url: null, topics: null } }),
    selection: '{ __typename ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'publishEvent',
    args: () => ({
      input: {
        topic: 'message.created',
        payload: { message: { id: 'm-1', text: 'hello', tags: ['a', 1, 2.5, true, null, { deep: [{ x: 'y' }] }] }, empty: {}, list: [] },
        channelType: 'whatsapp',
        echo: false,
        idempotencyKey: 'order-1',
        orderingKey: 'conversation-1',
      },
    }),
    selection:
      '{ __typename ... on PublishEventSuccess { deliveryCount event { id topic payload channelType echo idempotencyKey orderingKey deliveries { webhookId status orderingKey } } } }',
    keep: (data, refs) => (refs.first = data.publishEvent.event.id),
  },
  {
    kind: 'mutation',
    field: 'publishEvent',
    args: () => ({
      input: {
        topic: 'message.created',
        payload: { message: { text: 'bye' } },
        idempotencyKey: 'order-2',
        orderingKey: 'conversation-1',
        retain: true,
      },
    }),
    selection:
      '{ __typename ... on PublishEventSuccess { deliveryCount event { id payload deliveries { webhookId status orderingKey } } } }',
    keep: (data, refs) => (refs.second = data.publishEvent.event.id),
  },
  {
    kind: 'mutation',
    field: 'publishEvent',
    args: () => ({ input: { topic: 'message.created', payload: 'not an object', idempotencyKey: 'order-1' } }),
    selection:
      '{ __typename ... on PublishEventSuccess { deliveryCount event { id payload } } ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'query',
    field: 'webhooks',
    args: () => ({ filter: { topic: 'message.created', enabled: true, type: 'CUSTOM', search: 'hooks' }, first: 1 }),
    selection: '{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id } }',
    keep: (data, refs) => (refs.cursor = data.webhooks.pageInfo.endCursor),
  },
  {
    kind: 'query',
    field: 'webhooks',
    args: (refs) => ({ after: refs.cursor, first: 5, filter: { enabled: true } }),
    selection: '{ totalCount nodes { id name } }',
  },
  {
    kind: 'query',
    field: 'webhooks',
    args: (refs) => ({ before: refs.cursor, last: 2 }),
    selection: '{ nodes { id } pageInfo { hasPreviousPage } }',
  },
  { kind: 'query', field: 'webhooks', args: () => ({ first: 101 }), selection: '{ nodes { id } }' },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.ok }),
    selection: `{ ${webhookFields} }`,
    settled: true,
  },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.fail }),
    nested: () => ({ 'Webhook.deliveries': { status: 'FAILED', first: 5 } }),
    selection:
      '{ failed: deliveries{{Webhook.deliveries}} { totalCount nodes { id status attemptCount } } succeeded: deliveries(status: SUCCEEDED) { totalCount } stats { attempts succeeded failed consecutiveFailures } }',
    keep: (data, refs) => (refs.failedDelivery = data.webhook.failed.nodes[0].id),
  },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.ok }),
    nested: () => ({ 'Webhook.deliveries': { status: 'SUCCEEDED', last: 1 } }),
    selection:
      '{ deliveries{{Webhook.deliveries}} { totalCount nodes { id status attempts { outcome responseStatus trigger attemptNumber } } } }',
    keep: (data, refs) => (refs.okDelivery = data.webhook.deliveries.nodes[0].id),
  },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.fail }),
    nested: (refs) => ({ 'Webhook.deliveries': { after: refs.failedDelivery, first: 1 } }),
    selection: '{ deliveries{{Webhook.deliveries}} { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }',
    keep: (data, refs) => (refs.olderFailedDelivery = data.webhook.deliveries.nodes[0].id),
  },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.fail }),
    nested: (refs) => ({ 'Webhook.deliveries': { before: refs.olderFailedDelivery, last: 3, status: null } }),
    selection: '{ deliveries{{Webhook.deliveries}} { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }',
  },
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.fail }),
    nested: () => ({ 'Webhook.activity': { minutes: 60 } }),
    selection: '{ activity{{Webhook.activity}} { attempts succeeded minutes { attempts succeeded httpError connectionError } } }',
  },
  {
    kind: 'query',
    field: 'events',
    args: () => ({ topic: 'message.created', first: 1 }),
    selection: '{ totalCount nodes { id payload } pageInfo { hasNextPage endCursor } }',
  },
  {
    kind: 'query',
    field: 'events',
    args: (refs) => ({ topic: 'message.created', before: refs.second, last: 5 }),
    selection: '{ nodes { id } }',
  },
  {
    kind: 'query',
    field: 'events',
    args: (refs) => ({ after: refs.second, first: 5, topic: null }),
    selection: '{ nodes { id } pageInfo { hasPreviousPage } }',
  },
  {
    kind: 'query',
    field: 'event',
    args: (refs) => ({ id: refs.first }),
    selection: '{ id topic payload channelType idempotencyKey deliveries { webhookId status } }',
  },
  {
    kind: 'query',
    field: 'delivery',
    args: (refs) => ({ id: refs.failedDelivery }),
    selection: '{ id status webhookId event { id } attempts { outcome responseStatus } }',
  },
  { kind: 'query', field: 'node', args: (refs) => ({ id: refs.okDelivery }), selection: '{ __typename id ... on Delivery { status } }' },
  { kind: 'query', field: 'node', args: (refs) => ({ id: refs.ok }), selection: '{ __typename id ... on Webhook { name } }' },
  { kind: 'query', field: 'node', args: () => ({ id: 'wh_00000000000000000000000000' }), selection: '{ id }' },
  {
    kind: 'mutation',
    field: 'rotateSigningSecret',
    args: (refs) => ({ id: refs.ok, overlapSeconds: 120 }),
    selection:
      '{ __typename ... on RotateSigningSecretSuccess { webhook { id } } ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'rotateSigningSecret',
    args: (refs) => ({ id: refs.ok, overlapSeconds: -1 }),
    selection: '{ __typename ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'pauseWebhook',
    args: (refs) => ({ id: refs.ok }),
    selection: '{ __typename ... on PauseWebhookSuccess { webhook { id held { count } } } }',
  },
  {
    kind: 'mutation',
    field: 'resumeWebhook',
    args: (refs) => ({ id: refs.ok }),
    selection: '{ __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }',
  },
  {
    kind: 'mutation',
    field: 'redeliver',
    args: (refs) => ({ deliveryId: refs.okDelivery }),
    selection: '{ __typename ... on RedeliverSuccess { delivery { id webhookId } } }',
  },
  {
    kind: 'mutation',
    field: 'redeliverFailed',
    args: (refs) => ({ webhookId: refs.fail, since: new Date(Date.now() - 3_600_000).toISOString() }),
    selection: '{ __typename ... on RedeliverFailedSuccess { count } ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'redeliverFailed',
    args: (refs) => ({ webhookId: refs.fail, since: '2001-01-01T00:00:00.000Z' }),
    selection: '{ __typename ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'sendTestEvent',
    args: (refs) => ({ webhookId: refs.ok }),
    selection: '{ __typename ... on SendTestEventSuccess { delivery { webhookId event { topic } } } }',
  },
  // No lost edits: an update from the version read wins, a second one from that version is refused.
  {
    kind: 'query',
    field: 'webhook',
    args: (refs) => ({ id: refs.ok }),
    selection: '{ updatedAt }',
    keep: (data, refs) => (refs.okVersion = data.webhook.updatedAt),
  },
  {
    kind: 'mutation',
    field: 'updateWebhook',
    args: (refs) => ({ id: refs.ok, input: { name: 'versioned' }, expectedUpdatedAt: refs.okVersion }),
    selection: '{ __typename ... on UpdateWebhookSuccess { webhook { name } } ... on ConflictError { reason existingWebhook { name } } }',
  },
  {
    kind: 'mutation',
    field: 'updateWebhook',
    args: (refs) => ({ id: refs.ok, input: { name: 'lost' }, expectedUpdatedAt: refs.okVersion }),
    selection: '{ __typename ... on UpdateWebhookSuccess { webhook { name } } ... on ConflictError { reason existingWebhook { name } } }',
  },
  {
    kind: 'mutation',
    field: 'rotateSigningSecret',
    args: (refs) => ({ id: refs.fail, overlapSeconds: 60, signingSecret: `whsec_${Buffer.alloc(40, 8).toString('base64')}` }),
    selection: '{ __typename ... on RotateSigningSecretSuccess { signingSecret } ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'query',
    field: 'deliveries',
    args: (refs) => ({
      filter: {
        webhookId: refs.fail,
        status: 'FAILED',
        topic: 'message.created',
        since: new Date(Date.now() - 3_600_000).toISOString(),
        until: new Date(Date.now() + 60_000).toISOString(),
      },
      first: 1,
    }),
    selection: '{ totalCount nodes { status webhookId event { topic } } pageInfo { hasNextPage endCursor } }',
    keep: (data, refs) => (refs.deliveryCursor = data.deliveries.pageInfo.endCursor),
    settled: true,
  },
  {
    kind: 'query',
    field: 'deliveries',
    args: (refs) => ({ after: refs.deliveryCursor, first: 5, filter: null }),
    selection: '{ totalCount nodes { status } }',
  },
  {
    kind: 'query',
    field: 'deliveries',
    args: (refs) => ({ before: refs.deliveryCursor, last: 5 }),
    selection: '{ nodes { status } pageInfo { hasPreviousPage } }',
  },
  {
    kind: 'mutation',
    field: 'recoverDeliveries',
    args: (refs) => ({
      webhookId: refs.fail,
      since: new Date(Date.now() - 3_600_000).toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
      dryRun: true,
    }),
    selection:
      '{ __typename ... on RecoverDeliveriesSuccess { dryRun count deliveries { status } } ... on ValidationError { fieldErrors { path message } } }',
  },
  {
    kind: 'mutation',
    field: 'recoverDeliveries',
    args: (refs) => ({ webhookId: refs.fail, since: new Date(Date.now() - 3_600_000).toISOString(), dryRun: false }),
    selection: '{ __typename ... on RecoverDeliveriesSuccess { dryRun count } }',
  },
  {
    kind: 'mutation',
    field: 'createWebhook',
    args: () => ({
      input: { url: `${okUrl()}-late`, topics: ['message.*'], configuration: { filters: [{ field: 'message.text', expression: 'b*' }] } },
    }),
    selection: '{ __typename ... on CreateWebhookSuccess { webhook { id } } }',
    keep: (data, refs) => (refs.late = data.createWebhook.webhook.id),
  },
  {
    kind: 'mutation',
    field: 'replayEvents',
    args: (refs) => ({
      webhookId: refs.late,
      since: new Date(Date.now() - 3_600_000).toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
      dryRun: true,
    }),
    selection: '{ __typename ... on ReplayEventsSuccess { dryRun count events { payload } deliveries { id } } }',
  },
  {
    kind: 'mutation',
    field: 'replayEvents',
    args: (refs) => ({ webhookId: refs.late, since: new Date(Date.now() - 3_600_000).toISOString(), dryRun: null }),
    selection: '{ __typename ... on ReplayEventsSuccess { dryRun count events { payload } deliveries { webhookId } } }',
  },
  {
    kind: 'mutation',
    field: 'createApiKey',
    args: () => ({ input: { name: 'reader', scopes: ['WEBHOOKS_READ', 'EVENTS_PUBLISH'] } }),
    selection: '{ __typename ... on CreateApiKeySuccess { apiKey { id name scopes } } }',
    keep: (data, refs) => (refs.key = data.createApiKey.apiKey.id),
  },
  {
    kind: 'mutation',
    field: 'revokeApiKey',
    args: (refs) => ({ id: refs.key }),
    selection: '{ __typename ... on RevokeApiKeySuccess { apiKey { id name scopes } } }',
  },
  {
    kind: 'mutation',
    field: 'deleteWebhook',
    args: (refs) => ({ id: refs.webengage }),
    selection: '{ __typename ... on DeleteWebhookSuccess { deletedWebhookId } }',
  },
  {
    kind: 'mutation',
    field: 'deleteWebhook',
    args: (refs) => ({ id: refs.webengage }),
    selection: '{ __typename ... on NotFoundError { message } }',
  },
  { kind: 'query', field: 'webhooks', args: () => ({ filter: { search: 'Orders' } }), selection: '{ totalCount }', settled: true },
  {
    kind: 'query',
    field: 'auditLog',
    args: () => ({
      filter: {
        mutation: 'deleteWebhook',
        since: new Date(Date.now() - 3_600_000).toISOString(),
        until: new Date(Date.now() + 60_000).toISOString(),
      },
      first: 1,
    }),
    selection: '{ totalCount nodes { mutation outcome targetId fields } pageInfo { hasNextPage endCursor } }',
    keep: (data, refs) => (refs.auditCursor = data.auditLog.pageInfo.endCursor),
  },
  {
    kind: 'query',
    field: 'auditLog',
    args: (refs) => ({ after: refs.auditCursor, first: 5, filter: { mutation: 'deleteWebhook', keyId: null } }),
    selection: '{ nodes { mutation outcome } pageInfo { hasPreviousPage } }',
  },
  {
    kind: 'query',
    field: 'auditLog',
    args: (refs) => ({ before: refs.auditCursor, last: 2, filter: { keyId: refs.key } }),
    selection: '{ totalCount nodes { mutation } pageInfo { hasPreviousPage } }',
  },
];

/** Until no delivery of the gateway is still PENDING: each round is a request, bounded. */
async function settle(client: Client) {
  for (let round = 0; round < 2_000; round++) {
    const result = await client.query('{ events(first: 50) { nodes { deliveries { status } } } }', {}).toPromise();
    const statuses = (result.data?.events.nodes ?? []).flatMap((event: { deliveries: { status: string }[] }) =>
      event.deliveries.map((d) => d.status),
    );
    if (!statuses.includes('PENDING') && !statuses.includes('RETRYING')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('deliveries did not settle');
}

/** Runs every step with its arguments in one form, on a fresh gateway of its own. */
async function transcript(form: ArgumentForm) {
  const gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, `${form.replaceAll(' ', '-')}.db`) });
  const client = urqlClient(gateway);
  const refs: Refs = {};
  const normalize = normalizer();
  const lines: { step: string; query: string; result: unknown }[] = [];
  for (const [index, step] of steps.entries()) {
    if (step.settled) await settle(client);
    const { query, variables } = renderOperation(step.kind, step.field, step.args(refs), step.selection, form, step.nested?.(refs));
    const result = await (step.kind === 'query' ? client.query(query, variables) : client.mutation(query, variables)).toPromise();
    if (result.data && step.keep) {
      try {
        step.keep(result.data, refs);
      } catch {
        // A form that lost an argument returns something else; the comparison below names the step.
      }
    }
    lines.push({ step: `${index} ${step.field}`, query, result: normalize(outcome(result)) });
  }
  return lines;
}

it('the forms cover every argument of every field and every field of every input type', () => {
  const used = new Set<string>();
  const anyId = new Proxy({}, { get: () => 'wh_00000000000000000000000000' }) as Refs;
  const operations = [
    ...steps.map((step) => renderOperation(step.kind, step.field, step.args(anyId), step.selection, 'literal', step.nested?.(anyId))),
    ...filters.map((filter) => renderOperation('subscription', filter.field, filter.args(anyId), selections[filter.field], 'literal')),
  ];
  for (const { query } of operations) {
    const typeInfo = new TypeInfo(publicSchema);
    visit(
      parse(query),
      visitWithTypeInfo(typeInfo, {
        Argument(node) {
          const [parent, field] = [typeInfo.getParentType(), typeInfo.getFieldDef()];
          if (parent && field && !typeInfo.getDirective()) used.add(`${parent.name}.${field.name}(${node.name.value})`);
        },
        ObjectField(node) {
          const parent = typeInfo.getParentInputType();
          if (parent && isInputObjectType(getNamedType(parent))) used.add(`${getNamedType(parent).name}.${node.name.value}`);
        },
      }),
    );
  }
  const all = Object.values(publicSchema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) =>
      isObjectType(type)
        ? Object.values(type.getFields()).flatMap((field) => field.args.map((arg) => `${type.name}.${field.name}(${arg.name})`))
        : isInputObjectType(type)
          ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`)
          : [],
    );
  expect(all.filter((coordinate) => !used.has(coordinate))).toEqual([]);
});

describe('every argument means the same whatever form a client writes it in', () => {
  let transcripts: Map<ArgumentForm, Awaited<ReturnType<typeof transcript>>>;

  beforeAll(async () => {
    transcripts = new Map(await Promise.all(argumentForms.map(async (form) => [form, await transcript(form)] as const)));
  }, 120_000);

  it('the literal form works: no errors where none belong, payloads stored whole', () => {
    const literal = transcripts.get('literal')!;
    // The nth step that calls `field`, so adding a step elsewhere does not renumber these.
    const nth = (field: string, n: number) =>
      literal.filter((line) => line.step.endsWith(` ${field}`))[n]!.result as ReturnType<typeof outcome>;
    expect(nth('createWebhook', 0).data).toMatchObject({
      createWebhook: { __typename: 'CreateWebhookSuccess', webhook: { name: 'Orders ✓ "quoted" \\ back', hasBearerToken: true } },
    });
    expect(nth('publishEvent', 0).data).toMatchObject({
      publishEvent: {
        deliveryCount: 2,
        event: {
          payload: { message: { id: 'm-1', text: 'hello', tags: ['a', 1, 2.5, true, null, { deep: [{ x: 'y' }] }] }, empty: {}, list: [] },
        },
      },
    });
    expect(nth('publishEvent', 1).data).toMatchObject({ publishEvent: { deliveryCount: 1 } });
    expect(nth('createWebhook', 3).data).toMatchObject({ createWebhook: { __typename: 'ValidationError' } });
    expect(nth('redeliverFailed', 0).data).toMatchObject({ redeliverFailed: { count: 2 } });
    // Only the page over the 100 cap is refused at the top level.
    const unexpected = literal.filter(
      (line) => !line.query.includes('first: 101') && (line.result as ReturnType<typeof outcome>).errors.length > 0,
    );
    expect(unexpected).toEqual([]);
  });

  for (const form of argumentForms.filter((f) => f !== 'literal')) {
    it(`${form} give the same results as literals, step by step`, () => {
      const literal = transcripts.get('literal')!;
      const other = transcripts.get(form)!;
      for (const [index, line] of other.entries()) {
        expect({ step: line.step, query: line.query, result: line.result }).toEqual({
          step: literal[index]!.step,
          query: line.query,
          result: literal[index]!.result,
        });
      }
    });
  }
});

type Attempt = { id: string; webhookId: string; eventId: string; outcome: string };
type Update = { id: string; webhookId: string; status: string };

/** Subscription filters: each lets some of the attempts through and holds some back. */
const filters: {
  name: string;
  field: 'deliveryAttempts' | 'deliveryUpdated';
  args: (refs: Refs) => Record<string, unknown>;
  keep: (item: Attempt & Update, refs: Refs) => boolean;
}[] = [
  { name: 'webhookId', field: 'deliveryAttempts', args: (r) => ({ webhookId: r.ok }), keep: (a, r) => a.webhookId === r.ok },
  {
    name: 'outcomes',
    field: 'deliveryAttempts',
    args: () => ({ outcomes: ['HTTP_ERROR', 'TIMED_OUT'] }),
    keep: (a) => a.outcome === 'HTTP_ERROR' || a.outcome === 'TIMED_OUT',
  },
  { name: 'eventId', field: 'deliveryAttempts', args: (r) => ({ eventId: r.two }), keep: (a, r) => a.eventId === r.two },
  {
    name: 'webhookId and eventId',
    field: 'deliveryAttempts',
    args: (r) => ({ eventId: r.two, webhookId: r.fail }),
    keep: (a, r) => a.eventId === r.two && a.webhookId === r.fail,
  },
  {
    name: 'all three',
    field: 'deliveryAttempts',
    args: (r) => ({ webhookId: r.fail, eventId: r.one, outcomes: ['HTTP_ERROR'] }),
    keep: (a, r) => a.webhookId === r.fail && a.eventId === r.one,
  },
  {
    name: 'deliveryUpdated webhookId',
    field: 'deliveryUpdated',
    args: (r) => ({ webhookId: r.fail }),
    keep: (d, r) => d.webhookId === r.fail,
  },
];
const selections = { deliveryAttempts: '{ id webhookId eventId outcome }', deliveryUpdated: '{ id webhookId status }' };

describe('subscription arguments filter whatever form a client writes them in', () => {
  let gateway: GatewayProcess;
  let refs: Refs;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'live.db'), METRICS_TOKEN });
    const client = urqlClient(gateway);
    refs = {};
    for (const [name, url, retries] of [
      ['ok', okUrl(), 2],
      ['fail', failUrl(), 0],
    ] as const) {
      const { data } = await client
        .mutation(
          'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { ... on CreateWebhookSuccess { webhook { id } } } }',
          {
            input: { url, topics: ['message.*'], retryPolicy: { maxRetries: retries } },
          },
        )
        .toPromise();
      refs[name] = data.createWebhook.webhook.id;
    }
    // Two events, each to both webhooks; their deliveries are then redelivered while the subscriptions watch.
    for (const key of ['one', 'two']) {
      const { data } = await client
        .mutation('mutation($input: PublishEventInput!) { publishEvent(input: $input) { ... on PublishEventSuccess { event { id } } } }', {
          input: { topic: 'message.created', payload: { key }, idempotencyKey: key },
        })
        .toPromise();
      refs[key] = data.publishEvent.event.id;
    }
    await settle(client);
  }, 60_000);

  for (const transport of ['graphql-ws (urql)', 'SSE'] as const) {
    it(`over ${transport}: each form of each filter receives exactly what the filter lets through, and nothing else`, async () => {
      const ws = transport === 'SSE' ? null : wsClient(gateway.url, { apiKey: gateway.key });
      const client = urqlClient(gateway, ws?.client);
      const received = new Map<string, unknown[]>();
      const stops: (() => void)[] = [];
      const watch = async (label: string, query: string, variables: Record<string, unknown>) => {
        const items: unknown[] = [];
        received.set(label, items);
        const field = /\{ (deliveryAttempts|deliveryUpdated)/.exec(query)![1]!;
        if (ws) {
          const subscription = client
            .subscription(query, variables)
            .subscribe((result) => items.push(result.error ? { error: result.error.message } : result.data[field]));
          stops.push(() => subscription.unsubscribe());
        } else {
          const stream = await sseSubscribe(gateway.url, parse(query), variables, { 'x-api-key': gateway.key });
          stops.push(stream.close);
          void (async () => {
            for (let result = await stream.next(); result; result = await stream.next())
              items.push(result.errors ? { error: result.errors } : (result.data as Record<string, unknown>)[field]);
          })().catch(() => {});
        }
      };
      await watch(
        'all attempts',
        renderOperation('subscription', 'deliveryAttempts', {}, selections.deliveryAttempts, 'literal').query,
        {},
      );
      await watch('all updates', renderOperation('subscription', 'deliveryUpdated', {}, selections.deliveryUpdated, 'literal').query, {});
      for (const filter of filters) {
        for (const form of argumentForms) {
          const { query, variables } = renderOperation('subscription', filter.field, filter.args(refs), selections[filter.field], form);
          await watch(`${filter.name} / ${form}`, query, variables);
        }
      }
      // Every subscription registered before anything is published.
      await subscriptionsOpen(gateway, received.size);
      const http = urqlClient(gateway);

      const deliveries = await http.query('{ events(first: 10) { nodes { deliveries { id } } } }', {}).toPromise();
      const ids: string[] = deliveries.data.events.nodes.flatMap((event: { deliveries: { id: string }[] }) =>
        event.deliveries.map((d) => d.id),
      );
      expect(ids).toHaveLength(4);
      for (const id of ids) await http.mutation('mutation($d: ID!) { redeliver(deliveryId: $d) { __typename } }', { d: id }).toPromise();

      // The unfiltered streams see every attempt; then a window long enough for a wrongly filtered one to arrive too.
      const all = received.get('all attempts')!;
      for (let round = 0; round < 500 && (all.length < 4 || received.get('all updates')!.length < 4); round++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const stop of stops) stop();
      ws?.client.dispose();

      expect(all).toHaveLength(4);
      const updates = received.get('all updates') as Update[];
      const results: Record<string, string[]> = {};
      const wanted: Record<string, string[]> = {};
      for (const filter of filters) {
        const source = (filter.field === 'deliveryAttempts' ? all : updates) as (Attempt & Update)[];
        const expected = source
          .filter((item) => filter.keep(item, refs))
          .map((item) => item.id)
          .sort();
        // Each filter lets some through and holds some back, so a form that ignores it cannot pass.
        expect(expected.length, filter.name).toBeGreaterThan(0);
        expect(expected.length, filter.name).toBeLessThan(source.length);
        for (const form of argumentForms) {
          const got = received.get(`${filter.name} / ${form}`)!.map((item) => (item as { id?: string }).id ?? JSON.stringify(item));
          results[`${filter.name} / ${form}`] = [...new Set(got)].sort();
          wanted[`${filter.name} / ${form}`] = [...new Set(expected)].sort();
        }
      }
      expect(results).toEqual(wanted);
    }, 60_000);
  }
});
