import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.ts';
import { newId } from '../src/domain/ids.ts';
import { apiKeyService } from '../src/services/api-keys.ts';
import { auditLogRepository } from '../src/store/audit-log.ts';
import { openDatabase, type Db } from '../src/store/db.ts';
import { graphqlAt, testEngine } from './helpers/app.ts';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * The audit trail (issue 26 item 7), over the real server process: every field of the schema's
 * Mutation type is called once (a field without a case here fails the coverage test) and leaves
 * one entry with the calling key and the answer's type; no credential given to a mutation comes
 * back from auditLog; only ADMIN keys read it, each its own tenant's; entries past
 * AUDIT_RETENTION_DAYS are pruned. On Postgres too (vitest.config.ts), with the process on a
 * fresh database there.
 */

const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const mutationNames = Object.keys(schema.getMutationType()?.getFields() ?? {});

const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

// Distinct values in every credential the calls carry, so a leak is a substring search.
const run = Math.random().toString(36).slice(2, 10);
const secrets = {
  signingSecret: `whsec_${Buffer.from(`create-${run}-`.padEnd(32, 'c')).toString('base64')}`,
  rotatedSecret: `whsec_${Buffer.from(`rotate-${run}-`.padEnd(32, 'r')).toString('base64')}`,
  bearer: `bearer-${run}-one`,
  bearerUpdated: `bearer-${run}-two`,
  header: `header-${run}-value`,
  headerUpdated: `header-${run}-updated`,
  webengage: `webengage-${run}-token`,
  payload: `payload-${run}-secret`,
};

let dir: string;
let database: TestDatabase | null = null;
let env: Record<string, string>;
let gateway: GatewayProcess;
let receiver: Receiver;
let db: Db;
let admin: { id: string; prefix: string };
let counter = 0;

type Json = Record<string, any>;
async function post(query: string, key: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult<Json>> {
  return (await graphqlAt(gateway.url, parse(query) as TypedDocumentNode<Json, Record<string, unknown>>, variables, key)).body;
}
async function asAdmin(query: string, variables: Record<string, unknown> = {}): Promise<Json> {
  const body = await post(query, gateway.key, variables);
  if (body.errors || !body.data) throw new Error(`admin request failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const literal = (value: unknown) => JSON.stringify(value);
const hourAgo = () => literal(new Date(Date.now() - 3_600_000).toISOString());

async function createWebhook(input: string): Promise<string> {
  const data = await asAdmin(
    `mutation { createWebhook(input: ${input}) { __typename ... on CreateWebhookSuccess { webhook { id } } ... on Error { message } } }`,
  );
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}
const throwaway = () =>
  createWebhook(`{ url: ${literal(`${receiver.url}/throwaway-${++counter}`)}, topics: ["audit.other"], enabled: false }`);

const Entries = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id keyId keyPrefix mutation targetId fields outcome createdAt }
  }
}`;

/** Every entry the key may read, newest first, page by page. */
async function allEntries(key: string, filter: Record<string, unknown> = {}): Promise<Json[]> {
  const entries: Json[] = [];
  let after: string | null = null;
  for (;;) {
    const body = await post(Entries, key, { filter, first: 100, after });
    if (body.errors || !body.data) throw new Error(`auditLog failed: ${JSON.stringify(body.errors)}`);
    entries.push(...body.data.auditLog.nodes);
    if (!body.data.auditLog.pageInfo.hasNextPage) return entries;
    after = body.data.auditLog.pageInfo.endCursor;
  }
}

/** A valid call of one mutation: its arguments, the type it answers with, and the id it acts on (when known before). */
type Call = { args: string; answers: string; target?: string };

let webhook = '';
let delivery = '';
const cases: Record<string, () => Promise<Call>> = {
  createApiKey: async () => ({ args: `(input: { name: "audit ${++counter}", scopes: [WEBHOOKS_READ] })`, answers: 'CreateApiKeySuccess' }),
  revokeApiKey: async () => {
    const created = await asAdmin(
      `mutation { createApiKey(input: { name: "to revoke ${++counter}", scopes: [WEBHOOKS_READ] }) { ... on CreateApiKeySuccess { apiKey { id } } } }`,
    );
    const id = created.createApiKey.apiKey.id;
    return { args: `(id: ${literal(id)})`, answers: 'RevokeApiKeySuccess', target: id };
  },
  // Every credential a webhook holds, at create.
  createWebhook: async () => ({
    args: `(input: { url: ${literal(`${receiver.url}/we-${++counter}`)}, type: WEBENGAGE, topics: ["audit.other"], enabled: false,
      signingSecret: ${literal(secrets.signingSecret)}, bearerToken: ${literal(secrets.bearer)},
      headers: [{ name: "x-api-key", value: ${literal(secrets.header)} }],
      configuration: { webengage: { webhookUrl: ${literal(`${receiver.url}/we-target`)}, token: ${literal(secrets.webengage)} } } })`,
    answers: 'CreateWebhookSuccess',
  }),
  updateWebhook: async () => ({
    args: `(id: ${literal(webhook)}, input: { name: "audited", bearerToken: ${literal(secrets.bearerUpdated)},
      headers: [{ name: "x-other", value: ${literal(secrets.headerUpdated)} }] })`,
    answers: 'UpdateWebhookSuccess',
    target: webhook,
  }),
  deleteWebhook: async () => {
    const id = await throwaway();
    return { args: `(id: ${literal(id)})`, answers: 'DeleteWebhookSuccess', target: id };
  },
  rotateSigningSecret: async () => {
    const id = await throwaway();
    return {
      args: `(id: ${literal(id)}, overlapSeconds: 0, signingSecret: ${literal(secrets.rotatedSecret)})`,
      answers: 'RotateSigningSecretSuccess',
      target: id,
    };
  },
  pauseWebhook: async () => {
    const id = await throwaway();
    return { args: `(id: ${literal(id)})`, answers: 'PauseWebhookSuccess', target: id };
  },
  resumeWebhook: async () => {
    const id = await throwaway();
    return { args: `(id: ${literal(id)})`, answers: 'PauseWebhookSuccess', target: id };
  },
  publishEvent: async () => ({
    args: `(input: { topic: "message.created", payload: { kind: "audit", secret: ${literal(secrets.payload)} }, idempotencyKey: "audit-${run}" })`,
    answers: 'PublishEventSuccess',
  }),
  redeliver: async () => ({ args: `(deliveryId: ${literal(delivery)})`, answers: 'RedeliverSuccess', target: delivery }),
  redeliverFailed: async () => ({
    args: `(webhookId: ${literal(webhook)}, since: ${hourAgo()})`,
    answers: 'RedeliverFailedSuccess',
    target: webhook,
  }),
  recoverDeliveries: async () => ({
    args: `(webhookId: ${literal(webhook)}, since: ${hourAgo()}, dryRun: true)`,
    answers: 'RecoverDeliveriesSuccess',
    target: webhook,
  }),
  replayEvents: async () => {
    const id = await createWebhook(`{ url: ${literal(`${receiver.url}/replay-${++counter}`)}, topics: ["message.created"] }`);
    return { args: `(webhookId: ${literal(id)}, since: ${hourAgo()}, dryRun: true)`, answers: 'ReplayEventsSuccess', target: id };
  },
  sendTestEvent: async () => ({ args: `(webhookId: ${literal(webhook)})`, answers: 'SendTestEventSuccess', target: webhook }),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-audit-'));
  receiver = await startReceiver();
  database = testEngine === 'postgres' ? await freshPostgresDatabase() : null;
  env = {
    DATABASE_PATH: join(dir, 'gateway.db'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    AUDIT_RETENTION_DAYS: String(RETENTION_DAYS),
  };
  gateway = await startGatewayProcess(env);
  // The test's own connection to the same database: another tenant's key, and entries from the past.
  db = openDatabase({ databasePath: env.DATABASE_PATH!, databaseUrl: database?.url ?? null, databasePoolSize: 2 });
  const keys = await asAdmin('{ apiKeys { id prefix } }');
  const own = keys.apiKeys.find((key: { prefix: string }) => gateway.key.startsWith(key.prefix));
  admin = { id: own.id, prefix: own.prefix };
  webhook = await createWebhook(`{ url: ${literal(`${receiver.url}/main`)}, topics: ["message.created"] }`);
  const published = await asAdmin(
    `mutation { publishEvent(input: { topic: "message.created", payload: { kind: "seed" } }) { ... on PublishEventSuccess { event { deliveries { id } } } } }`,
  );
  delivery = published.publishEvent.event.deliveries[0].id;
});

afterAll(async () => {
  await killGatewayProcesses();
  await db?.destroy();
  await receiver?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the audit log', () => {
  it('records every mutation of the schema, called once, with the key, the mutation, its target and its answer', async () => {
    const missing = mutationNames.filter((name) => !(name in cases));
    expect(missing, 'mutations without a case here: add one').toEqual([]);
    for (const name of mutationNames) {
      const call = await cases[name]!();
      const before = new Date().toISOString();
      const data = await asAdmin(`mutation { ${name}${call.args} { __typename ... on Error { message } } }`);
      expect(data[name], name).toMatchObject({ __typename: call.answers });
      const entries = await allEntries(gateway.key, { mutation: name, since: before });
      expect(entries, `${name}: one entry`).toHaveLength(1);
      expect(entries[0], name).toMatchObject({ keyId: admin.id, keyPrefix: admin.prefix, mutation: name, outcome: call.answers });
      if (call.target) expect(entries[0]!.targetId, name).toBe(call.target);
      else expect(entries[0]!.targetId, `${name}: the id of what it created`).toMatch(/^[a-z]+_/);
    }
  });

  it('keeps the arguments given, but no credential: secrets, tokens and header values read [redacted], a payload its size', async () => {
    const entries = await allEntries(gateway.key);
    expect(entries.length).toBeGreaterThan(0);
    const text = JSON.stringify(entries);
    for (const [what, value] of Object.entries(secrets)) expect(text.includes(value), `${what} is in the audit log`).toBe(false);
    const created = entries.find((entry) => entry.mutation === 'createWebhook' && entry.fields.input.type === 'WEBENGAGE');
    expect(created?.fields.input).toMatchObject({
      signingSecret: '[redacted]',
      bearerToken: '[redacted]',
      headers: [{ name: 'x-api-key', value: '[redacted]' }],
      configuration: { webengage: { webhookUrl: `${receiver.url}/we-target`, token: '[redacted]' } },
      topics: ['audit.other'],
      enabled: false,
    });
    const published = entries.find((entry) => entry.mutation === 'publishEvent' && entry.fields.input.idempotencyKey === `audit-${run}`);
    expect(published?.fields.input).toMatchObject({ topic: 'message.created', payload: { bytes: expect.any(Number) } });
    const rotated = entries.find((entry) => entry.mutation === 'rotateSigningSecret');
    expect(rotated?.fields).toMatchObject({ signingSecret: '[redacted]', overlapSeconds: 0 });
  });

  it('records refused calls with the error they answered, and answers FORBIDDEN to a key without ADMIN', async () => {
    const created = await asAdmin(
      `mutation { createApiKey(input: { name: "no admin", scopes: [WEBHOOKS_READ, WEBHOOKS_WRITE, WEBHOOKS_SECRETS, EVENTS_PUBLISH] }) {
        ... on CreateApiKeySuccess { key apiKey { id prefix } } } }`,
    );
    const { key, apiKey } = created.createApiKey;
    const refused = await post(`mutation { createApiKey(input: { name: "nope", scopes: [ADMIN] }) { __typename } }`, key);
    expect(refused.data?.createApiKey).toEqual({ __typename: 'ForbiddenError' });
    const invalid = await post(`mutation { createWebhook(input: { url: "ftp://nowhere", topics: ["a.b"] }) { __typename } }`, key);
    expect(invalid.data?.createWebhook).toEqual({ __typename: 'ValidationError' });
    const missing = await post(`mutation { deleteWebhook(id: "wh_01NOTHERE0000000000000000") { __typename } }`, key);
    expect(missing.data?.deleteWebhook).toEqual({ __typename: 'NotFoundError' });

    const theirs = await allEntries(gateway.key, { keyId: apiKey.id });
    expect(theirs.map((entry) => [entry.mutation, entry.outcome, entry.keyPrefix])).toEqual([
      ['deleteWebhook', 'NotFoundError', apiKey.prefix],
      ['createWebhook', 'ValidationError', apiKey.prefix],
      ['createApiKey', 'ForbiddenError', apiKey.prefix],
    ]);
    expect(theirs[0]!.targetId).toBe('wh_01NOTHERE0000000000000000');

    const forbidden = await post(Entries, key, { first: 10 });
    expect(forbidden.data?.auditLog ?? null).toBeNull();
    expect(forbidden.errors?.[0]).toMatchObject({ path: ['auditLog'], extensions: { code: 'FORBIDDEN', requiredScope: 'ADMIN' } });
  });

  it("shows another tenant's admin none of this tenant's entries, and this one none of theirs", async () => {
    const other = await apiKeyService({ db, clock: systemClock }).createForTenantName(`other-${run}`, {
      name: 'other admin',
      scopes: ['ADMIN'],
    });
    expect(await allEntries(other.key)).toEqual([]);
    const data = await post(`mutation { createApiKey(input: { name: "theirs", scopes: [WEBHOOKS_READ] }) { __typename } }`, other.key);
    expect(data.data?.createApiKey).toEqual({ __typename: 'CreateApiKeySuccess' });
    const theirs = await allEntries(other.key);
    expect(theirs).toEqual([expect.objectContaining({ mutation: 'createApiKey', keyId: other.apiKey.id })]);
    const ours = await allEntries(gateway.key);
    expect(ours.length).toBeGreaterThan(mutationNames.length);
    expect(ours.some((entry) => entry.keyId === other.apiKey.id)).toBe(false);
    // Filtered by the other tenant's key: still nothing of theirs.
    expect(await allEntries(gateway.key, { keyId: other.apiKey.id })).toEqual([]);
  });

  it('prunes entries older than AUDIT_RETENTION_DAYS and keeps the younger ones', async () => {
    const viewer = await asAdmin('{ viewer { tenantId } }');
    await killGatewayProcesses();
    const now = Date.now();
    const entry = (ageDays: number, label: string) => ({
      id: newId('audit', now - ageDays * DAY_MS),
      tenantId: viewer.viewer.tenantId,
      keyId: admin.id,
      keyPrefix: admin.prefix,
      mutation: label,
      targetId: null,
      fields: {},
      outcome: 'UpdateWebhookSuccess',
      createdAt: now - ageDays * DAY_MS,
    });
    const log = auditLogRepository(db);
    await log.insert(entry(RETENTION_DAYS + 10, 'pastRetention'));
    await log.insert(entry(RETENTION_DAYS - 10, 'withinRetention'));
    // The pruner runs once an hour over every instance; this start's turn comes at once.
    await db.deleteFrom('housekeeping').where('task', '=', 'prune').execute();
    expect((await allEntriesFromDb(viewer.viewer.tenantId)).sort()).toEqual(expect.arrayContaining(['pastRetention', 'withinRetention']));

    gateway = await startGatewayProcess(env, gateway.key);
    let names = await allEntries(gateway.key).then((entries) => entries.map((e) => e.mutation));
    for (let round = 0; round < 1_000 && names.includes('pastRetention'); round++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      names = await allEntries(gateway.key).then((entries) => entries.map((e) => e.mutation));
    }
    expect(names).not.toContain('pastRetention');
    expect(names).toContain('withinRetention');
    // Today's entries stay.
    expect(names).toContain('createWebhook');
  }, 120_000);
});

async function allEntriesFromDb(tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('mutation').where('tenant_id', '=', tenantId).execute();
  return rows.map((row) => row.mutation);
}
