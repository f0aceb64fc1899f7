import { Agent, request } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import fc from 'fast-check';
import type { ApiKeyRow, DeliveryRow, EventRow, WebhookRow } from '../../src/store/db.ts';
import type { TestApp } from './app.ts';
import { mapSecretColumns } from '../../src/store/sealed-secrets.ts';
import { isSealed, type SecretBox } from '../../src/store/secret-box.ts';
import { Raw, Ref, Rel, type Operation } from './fuzz-arbitraries.ts';

/*
 * One fuzz lane: a tenant of its own, fixtures to aim ids at, and the property every case must
 * hold. Lanes run side by side against one server, so each judges only its own tenant (and the
 * untouched victim tenant, which every lane attacks).
 */

// ---------------------------------------------------------------- seeds and counts

/** FUZZ_SEED reproduces a run; FUZZ_RUNS_SCALE scales the number of cases (1 = the default). */
export function fuzzSeed(): number {
  const fromEnv = process.env.FUZZ_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}
export const runsScale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);

// ---------------------------------------------------------------- requests

/** The request body as the server receives it: markers resolved, Raw JSON spliced in verbatim. */
export function serialise(query: string, variables: Record<string, unknown>, resolveRef: (ref: Ref) => string): string {
  const raws: string[] = [];
  const token = `__fuzz_raw_${process.pid}_`;
  const now = Date.now();
  const text = JSON.stringify({ query, variables }, (_key, value: unknown) => {
    if (value instanceof Ref) return resolveRef(value);
    if (value instanceof Rel) return formatRel(now + value.offsetMs, value.format);
    if (value instanceof Raw) {
      raws.push(value.text);
      return `${token}${raws.length - 1}`;
    }
    return value;
  });
  return text.replace(new RegExp(`"${token}(\\d+)"`, 'g'), (_match, index: string) => raws[Number(index)]!);
}

function formatRel(ms: number, format: Rel['format']): string | number {
  const iso = new Date(Math.max(-8.64e15, Math.min(8.64e15, ms))).toISOString();
  switch (format) {
    case 'iso':
      return iso;
    case 'nomillis':
      return iso.replace(/\.\d{3}Z$/, 'Z');
    case 'lower':
      return iso.replace('T', 't').replace('Z', 'z');
    case 'offset': {
      const shifted = new Date(ms + 2 * 3600_000 + 30 * 60_000).toISOString();
      return shifted.replace('Z', '+02:30');
    }
    case 'epoch':
      return ms;
  }
}

export type Exchange = {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
};

// One keep-alive agent: node:http costs the client a third of what fetch does per request.
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** One POST over a real socket to the server on 127.0.0.1, the body exactly as given. */
export function post(url: string, key: string, body: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-api-key': key,
      'content-length': Buffer.byteLength(body),
    };
    const req = request(url, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Exchange['body'] = null;
        try {
          parsed = JSON.parse(text) as Exchange['body'];
        } catch {
          parsed = null;
        }
        resolve({ status: response.statusCode ?? 0, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Ids of another tenant in a response that the request did not carry itself. */
export function leakedIds(victim: Fixture, request: string, response: string): string[] {
  return Object.values(victim.ids).filter((id) => response.includes(id) && !request.includes(id));
}

/**
 * A subscription over SSE, the body exactly as given. Resolves once the server has either ended
 * the stream (a refusal: its events are returned) or registered the subscription (`opened`
 * turns true, checked after every turn of the event loop); then the stream is closed.
 */
export function subscribeOnce(url: string, key: string, body: string, opened: () => boolean): Promise<Exchange & { open: boolean }> {
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': key,
      'content-length': Buffer.byteLength(body),
    };
    const req = request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      let settled = false;
      const settle = (open: boolean) => {
        if (settled) return;
        settled = true;
        req.destroy();
        resolve({ status: response.statusCode ?? 0, text, body: null, open });
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => settle(false));
      response.on('error', () => settle(false));
      const watch = (rounds: number) => {
        if (settled) return;
        if (opened()) settle(true);
        else if (rounds > 100_000) reject(new Error(`subscription neither opened nor ended: ${text}`));
        else setImmediate(() => watch(rounds + 1));
      };
      watch(0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Problems every response must be free of, whatever was sent. */
export function transportProblems(exchange: Exchange): string[] {
  const problems: string[] = [];
  if (exchange.status >= 500) problems.push(`HTTP ${exchange.status}`);
  if (/INTERNAL_SERVER_ERROR|Unexpected error/.test(exchange.text)) problems.push('INTERNAL_SERVER_ERROR in the response');
  if (exchange.status < 400 && exchange.body === null) problems.push('a response body that is not JSON');
  if (exchange.body && exchange.body.data === undefined && !exchange.body.errors?.length) problems.push('neither data nor errors');
  // The documents are fixed per operation; only variables vary. A document the server cannot
  // parse or validate is a fault of the fuzzer, which would then test nothing.
  if (/GRAPHQL_(PARSE|VALIDATION)_FAILED/.test(exchange.text)) problems.push('the generated document is invalid (a fuzzer bug)');
  return problems;
}

// ---------------------------------------------------------------- tenant state

type KeyState = Omit<ApiKeyRow, 'last_used_at'>;
export type Snapshot = {
  webhooks: Map<string, WebhookRow>;
  topics: string[];
  events: Map<string, EventRow>;
  deliveries: Map<string, DeliveryRow>;
  apiKeys: Map<string, KeyState>;
};

/** Everything a mutation could change for a tenant, straight from the database (write-only fields too). */
/**
 * A webhook row with its credentials opened, so the oracles compare them with the input; each
 * must have been stored sealed (README: "Secrets at rest").
 */
function openedRow(secrets: SecretBox, row: WebhookRow): WebhookRow {
  const open = (stored: string) => {
    if (!isSealed(stored)) throw new Error(`webhook ${row.id} holds a secret in clear: ${short(stored)}`);
    return secrets.open(stored);
  };
  return { ...row, ...mapSecretColumns(row, open) };
}

export async function snapshot(app: TestApp['app'], tenantId: string): Promise<Snapshot> {
  const db = app.db;
  const [webhooks, topics, events, deliveries, apiKeys] = await Promise.all([
    db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('webhook_topics').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('deliveries').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).execute(),
  ]);
  return {
    webhooks: new Map(webhooks.map((row) => [row.id, openedRow(app.secrets, row)])),
    topics: topics.map((row) => `${row.webhook_id}|${row.topic}|${row.url}`).sort(),
    events: new Map(events.map((row) => [row.id, row])),
    deliveries: new Map(deliveries.map((row) => [row.id, row])),
    apiKeys: new Map(apiKeys.map(({ last_used_at: _used, ...row }) => [row.id, row])),
  };
}

/** One query that changes whenever any row of the tenant does: cheap enough to ask after every case. */
export async function fingerprint(app: TestApp['app'], tenantId: string): Promise<string> {
  const { rows } = await sql<{ print: string }>`
    select (select count(*) || ':' || total(updated_at) || ':' || group_concat(signing_secret) from webhooks where tenant_id = ${tenantId})
      || '|' || (select count(*) from webhook_topics where tenant_id = ${tenantId})
      || '|' || (select count(*) from events where tenant_id = ${tenantId})
      || '|' || (select count(*) || ':' || total(updated_at) || ':' || total(next_attempt_at) from deliveries where tenant_id = ${tenantId})
      || '|' || (select count(*) || ':' || total(revoked_at) from api_keys where tenant_id = ${tenantId}) as print`.execute(app.db);
  return rows[0]!.print;
}

export type TableDiff<Row> = { added: Row[]; removed: Row[]; changed: { before: Row; after: Row }[] };
export type Diff = {
  webhooks: TableDiff<WebhookRow>;
  topicsChanged: boolean;
  events: TableDiff<EventRow>;
  deliveries: TableDiff<DeliveryRow>;
  apiKeys: TableDiff<KeyState>;
};

function tableDiff<Row>(before: Map<string, Row>, after: Map<string, Row>): TableDiff<Row> {
  const diff: TableDiff<Row> = { added: [], removed: [], changed: [] };
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old) diff.added.push(row);
    else if (!isDeepStrictEqual(old, row)) diff.changed.push({ before: old, after: row });
  }
  for (const [id, row] of before) if (!after.has(id)) diff.removed.push(row);
  return diff;
}

export function diffOf(before: Snapshot, after: Snapshot): Diff {
  return {
    webhooks: tableDiff(before.webhooks, after.webhooks),
    topicsChanged: !isDeepStrictEqual(before.topics, after.topics),
    events: tableDiff(before.events, after.events),
    deliveries: tableDiff(before.deliveries, after.deliveries),
    apiKeys: tableDiff(before.apiKeys, after.apiKeys),
  };
}

const empty = <Row>(table: TableDiff<Row>) => table.added.length === 0 && table.removed.length === 0 && table.changed.length === 0;

export function describeDiff(diff: Diff): string[] {
  const lines: string[] = [];
  for (const name of ['webhooks', 'events', 'deliveries', 'apiKeys'] as const) {
    const table = diff[name] as TableDiff<{ id: string }>;
    if (!empty(table)) {
      const changed = table.changed.map(({ before, after }) => {
        const fields = Object.keys(after).filter(
          (key) => !isDeepStrictEqual((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key]),
        );
        return `${after.id} (${fields.map((key) => `${key}: ${short((before as Record<string, unknown>)[key])} -> ${short((after as Record<string, unknown>)[key])}`).join(', ')})`;
      });
      lines.push(
        `${name}: +${table.added.map((row) => row.id).join(',')} -${table.removed.map((row) => row.id).join(',')} ~${changed.join('; ')}`,
      );
    }
  }
  if (diff.topicsChanged) lines.push('webhook_topics changed');
  return lines;
}

export function short(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** Only these tables may differ; the rest must be as they were. */
export function onlyChanged(
  diff: Diff,
  allowed: { webhooks?: boolean; topics?: boolean; events?: boolean; deliveries?: boolean; apiKeys?: boolean },
): string[] {
  const problems: string[] = [];
  if (!allowed.webhooks && !empty(diff.webhooks)) problems.push('webhooks changed');
  if (!allowed.topics && diff.topicsChanged) problems.push('webhook_topics changed');
  if (!allowed.events && !empty(diff.events)) problems.push('events changed');
  if (!allowed.deliveries && !empty(diff.deliveries)) problems.push('deliveries changed');
  if (!allowed.apiKeys && !empty(diff.apiKeys)) problems.push('api keys changed');
  return problems;
}

// ---------------------------------------------------------------- running a lane

export type LaneCase = { field: string; variables: Record<string, unknown> };

/** Picks an operation (by its root field), then a value for each of its variables. */
export function caseArb(operations: Operation[]): fc.Arbitrary<LaneCase> {
  return fc.oneof(
    ...operations.flatMap((operation) =>
      (['clean', 'arbitrary'] as const).map((mode) =>
        fc
          .record(Object.fromEntries(operation.variables.map((variable) => [variable.name, variable[mode]])))
          .map((variables) => ({ field: operation.field, variables })),
      ),
    ),
  );
}

/** Drops what JSON leaves out, so an oracle sees the input as the server parsed it. */
export function asReceived(body: string): Record<string, unknown> {
  return (JSON.parse(body) as { variables: Record<string, unknown> }).variables ?? {};
}

export { fc };

// ---------------------------------------------------------------- fixtures

/** Ids of every kind a fuzz case may aim at, made through the services (not under test here). */
export type Fixture = {
  tenantId: string;
  key: string;
  keyId: string;
  ids: Record<string, string>;
};

const forged: Record<string, string> = {
  'forged.webhook': 'wh_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'forged.event': 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'forged.delivery': 'dlv_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'forged.attempt': 'att_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'forged.apiKey': 'key_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'forged.tenant': 'ten_01ARZ3NDEKTSV4RRFFQ69G5FAV',
};

export async function makeFixture(app: TestApp['app'], tenantName: string): Promise<Fixture> {
  const services = app.services;
  const admin = await services.apiKeys.createForTenantName(tenantName, { name: 'fuzz admin', scopes: ['ADMIN'] });
  const tenantId = admin.tenantId;
  const host = `${tenantName.replace(/[^a-z0-9-]/gi, '-')}.example.com`;
  const webhook = await services.webhooks.create(tenantId, { url: `https://${host}/one`, topics: ['message.*'], name: 'École Ÿ Straße' });
  const webhook2 = await services.webhooks.create(tenantId, {
    url: `https://${host}/two`,
    topics: ['workflow.*', 'message.created'],
    name: 'second',
    bearerToken: 'fixture-token',
    headers: [{ name: 'X-A', value: '1' }],
    configuration: {
      channelTypes: ['whatsapp'],
      filters: [{ field: 'status', expression: 'ok*' }],
      webengage: { webhookUrl: `https://${host}/we`, token: 'we' },
    },
  });
  const gone = await services.webhooks.create(tenantId, { url: `https://${host}/gone`, topics: ['template.updated'] });
  const event = await services.events.publish(tenantId, {
    topic: 'message.created',
    payload: { id: 'fixture', status: 'ok' },
    channelType: 'whatsapp',
    idempotencyKey: 'k1',
  });
  const failing = await services.events.publish(tenantId, {
    topic: 'workflow.created',
    payload: { status: 'ok' },
    channelType: 'whatsapp',
  });
  await services.webhooks.update(tenantId, webhook2.id, { enabled: false });
  await services.webhooks.update(tenantId, webhook2.id, { enabled: true });
  const orphaned = await services.events.publish(tenantId, { topic: 'template.updated', payload: {} });
  await services.webhooks.remove(tenantId, gone.id);
  const deliveryOf = async (eventId: string, webhookId: string) =>
    (
      await app.db
        .selectFrom('deliveries')
        .select('id')
        .where('event_id', '=', eventId)
        .where('webhook_id', '=', webhookId)
        .executeTakeFirstOrThrow()
    ).id;
  const key = await services.apiKeys.create(tenantId, { name: 'revocable', scopes: ['WEBHOOKS_READ'] });
  const revoked = await services.apiKeys.create(tenantId, { name: 'revoked', scopes: ['EVENTS_PUBLISH'] });
  await services.apiKeys.revoke(tenantId, revoked.apiKey.id, admin.apiKey.id);
  return {
    tenantId,
    key: admin.key,
    keyId: admin.apiKey.id,
    ids: {
      'own.webhook': webhook.id,
      'own.webhook2': webhook2.id,
      'own.deletedWebhook': gone.id,
      'own.event': event.event.id,
      'own.delivery': await deliveryOf(event.event.id, webhook.id),
      'own.failedDelivery': await deliveryOf(failing.event.id, webhook2.id),
      'own.deliveryOfDeleted': await deliveryOf(orphaned.event.id, gone.id),
      'own.apiKey': key.apiKey.id,
      'own.revokedApiKey': revoked.apiKey.id,
      'own.selfKey': admin.apiKey.id,
    },
  };
}

/** Resolves a Ref against a lane's fixture and the victim tenant's. */
export function resolver(own: Fixture, victim: Fixture): (ref: Ref) => string {
  return (ref) => {
    if (ref.name.startsWith('victim.')) return victim.ids[ref.name.replace('victim.', 'own.')]!;
    return own.ids[ref.name] ?? forged[ref.name] ?? ref.name;
  };
}

/** Whether the ids a lane aims at still name what they did (a case may delete or revoke them). */
export function fixtureIntact(fixture: Fixture, state: Snapshot): boolean {
  return (
    state.webhooks.has(fixture.ids['own.webhook']!) &&
    state.webhooks.has(fixture.ids['own.webhook2']!) &&
    state.apiKeys.get(fixture.ids['own.apiKey']!)?.revoked_at === null &&
    state.webhooks.size < 40 &&
    state.events.size < 200
  );
}

/** Fails one fuzz case with what went wrong, the request and the response (long ones clipped). */
export function failCase(field: string, problems: string[], body: string, exchange: Exchange): void {
  if (!problems.length) return;
  const clip = (text: string) => (text.length > 3000 ? `${text.slice(0, 3000)}… (${text.length} chars)` : text);
  throw new Error(`${field}: ${problems.join('\n')}\nrequest: ${clip(body)}\nresponse ${exchange.status}: ${clip(exchange.text)}`);
}

/** Runs one lane's property from its own seed; a failure names the run's seed to replay it. */
export async function assertLane(property: fc.IAsyncProperty<[LaneCase]>, seed: number, lane: number, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, { seed: seed + lane, numRuns });
  } catch (error) {
    const cause = (error as Error).cause;
    throw new Error(
      `fuzz lane ${lane} failed; reproduce with FUZZ_SEED=${seed}\n${(error as Error).message}${cause instanceof Error ? `\n${cause.message}` : ''}`,
    );
  }
}
