import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type ColumnType, type Generated, type Insertable, type Selectable, type Transaction } from 'kysely';
import pg from 'pg';
import type { TurnOptions } from './fair-turns.ts';
import { GatewaySqliteDialect } from './sqlite-dialect.ts';
import type { AttemptOutcome, AttemptTrigger, DeliveryStatus } from '../domain/delivery-lifecycle.ts';
import type { ApiKeyScope } from '../domain/scopes.ts';
import type { ReceiverDirective } from '../domain/receiver-directive.ts';
import type { PayloadFilter } from '../domain/topic-routing.ts';
import type { BackoffStrategy, HttpHeader, WebhookType } from '../domain/webhook.ts';

/*
 * The types say what both drivers return: timestamps are integer epoch milliseconds,
 * booleans are 0/1, lists and objects are JSON text. Repositories turn them into domain values.
 * On Postgres that holds because the pool parses int8 as a number (see openDatabase) and flags
 * are integer columns, not booleans.
 */

/** JSON text of a T: written as any string, read back through `parseJson` as a T. */
declare const jsonOf: unique symbol;
export type JsonText<T> = ColumnType<string & { readonly [jsonOf]: T }, string, string>;
/** JSON text of a T, or null. */
type NullableJsonText<T> = ColumnType<(string & { readonly [jsonOf]: T }) | null, string | null | undefined, string | null>;

/** The value a JSON column holds, typed by its column: the one place stored JSON is parsed. */
export function parseJson<T>(text: string & { readonly [jsonOf]: T }): T {
  return JSON.parse(text);
}

interface TenantTable {
  id: string;
  name: string;
  created_at: number;
  /** A new random token whenever any of the tenant's webhooks changes (migration 0015, store/webhook-cache.ts). */
  webhooks_version: Generated<string>;
  /** What its events take, counted with each write and delete (migration 0017, store/storage.ts). */
  stored_bytes: Generated<number>;
}

interface ApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: JsonText<ApiKeyScope[]>;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface WebhookTable {
  id: string;
  tenant_id: string;
  name: string | null;
  url: string;
  type: WebhookType;
  /** Topic patterns. */
  topics: JsonText<string[]>;
  enabled: number;
  disabled_reason: string | null;
  headers: JsonText<HttpHeader[]>;
  bearer_token: string | null;
  timeout_seconds: number;
  max_retries: number;
  backoff_seconds: number;
  backoff_strategy: BackoffStrategy;
  echo: number;
  channel_types: JsonText<string[]>;
  filters: JsonText<PayloadFilter[]>;
  webengage_url: string | null;
  webengage_token: string | null;
  signing_secret: string;
  previous_signing_secret: string | null;
  previous_secret_expires_at: number | null;
  consecutive_failures: Generated<number>;
  /** Attempts per second at most (domain WebhookSettings.rateLimitPerSecond); null: no cap. */
  rate_limit_per_second: number | null;
  /** Set while the webhook is paused: its deliveries are held, not claimed. */
  paused_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One row per (webhook, topic pattern): the uniqueness rule and the publish-time lookup. */
interface WebhookTopicTable {
  tenant_id: string;
  webhook_id: string;
  topic: string;
  url: string;
}

interface EventTable {
  id: string;
  tenant_id: string;
  topic: string;
  /** JSON text of the published payload. */
  payload: string;
  channel_type: string | null;
  echo: number;
  idempotency_key: string | null;
  /** Deliveries of events with one key go to each webhook in publish order (store/ordering.ts). */
  ordering_key: string | null;
  delivery_count: number;
  /** 1: kept for the event retention even when it reached no webhook (migration 0017); every insert of the app sets it. */
  retain: Generated<number>;
  created_at: number;
}

/** The claims of a rate-capped webhook in the last rate window, over all instances (store/endpoint-rates.ts). */
interface EndpointRateTable {
  webhook_id: string;
  /** Epoch-ms claim times, oldest first. */
  recent: JsonText<number[]>;
}

export interface DeliveryTable {
  id: string;
  tenant_id: string;
  event_id: string;
  /** No foreign key: history outlives a deleted webhook. */
  webhook_id: string;
  status: DeliveryStatus;
  attempt_count: Generated<number>;
  /** When the worker should next send it; null once nothing more is scheduled. */
  next_attempt_at: number | null;
  /** MANUAL or TEST when the next attempt was asked for by a person; null for SCHEDULED. */
  next_trigger: AttemptTrigger | null;
  /**
   * Attempts people have asked for, counted: one asked for while an attempt is in flight
   * outlives that attempt's recording (store/deliveries.ts, movedOn).
   */
  attempt_requests: Generated<number>;
  /** Why the gateway failed it without an attempt saying so (a paused webhook's hold caps). */
  failure_reason: string | null;
  /** Its event's ordering key, and its place in that key's line to this webhook (store/ordering.ts). */
  ordering_key: string | null;
  ordering_seq: number | null;
  /** A worker's lease: until then no other claim takes it. */
  locked_until: number | null;
  /** Who holds the lease: an `instances.owner`, or null when no one does. */
  locked_by: string | null;
  created_at: number;
  updated_at: number;
}

interface DeliveryAttemptTable {
  id: string;
  tenant_id: string;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  attempt_number: number;
  trigger: AttemptTrigger;
  outcome: AttemptOutcome;
  url: string;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number;
  started_at: number;
  finished_at: number;
  next_attempt_at: number | null;
  /** What the request sent, credentials redacted (domain/sent-headers.ts); null before it was recorded. */
  request_headers: NullableJsonText<HttpHeader[]>;
  receiver_directive: ReceiverDirective | null;
}

/** One running gateway process, as long as it keeps beating. */
interface InstanceTable {
  owner: string;
  instance_id: string;
  started_at: number;
  /** Epoch milliseconds by the database's clock. */
  heartbeat_at: number;
}

/** When a cluster-wide chore last ran. */
interface HousekeepingTable {
  task: string;
  last_run_at: number;
}

/** A token bucket per API key, shared by the instances on one database. */
interface RateLimitTable {
  key_id: string;
  tokens: number;
  at: number;
  /** 1 when the last take got a token. */
  taken: number;
}

/** One mutation called: who, what, on which id, with which arguments (secrets redacted), and its answer's type. */
interface AuditLogTable {
  id: string;
  tenant_id: string;
  key_id: string;
  key_prefix: string;
  /** The Mutation field's name. */
  mutation: string;
  /** The id the mutation acted on, when its arguments name one. */
  target_id: string | null;
  /** The arguments given, secret-bearing values redacted (domain/audit.ts). */
  fields: JsonText<Record<string, unknown>>;
  /** The result's __typename (a payload or an error type); ERROR for a top-level error. */
  outcome: string;
  created_at: number;
}

export interface Database {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
  webhooks: WebhookTable;
  webhook_topics: WebhookTopicTable;
  events: EventTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  instances: InstanceTable;
  housekeeping: HousekeepingTable;
  rate_limits: RateLimitTable;
  endpoint_rates: EndpointRateTable;
  audit_log: AuditLogTable;
}

export type TenantRow = Selectable<TenantTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type AuditLogRow = Selectable<AuditLogTable>;

export type EventRow = Selectable<EventTable>;
export type NewEventRow = Insertable<EventTable>;
export type DeliveryRow = Selectable<DeliveryTable>;
export type NewDeliveryRow = Insertable<DeliveryTable>;
export type AttemptRow = Selectable<DeliveryAttemptTable>;
export type NewAttemptRow = Insertable<DeliveryAttemptTable>;

export type Db = Kysely<Database>;
export type Executor = Db | Transaction<Database>;

export type DatabaseConfig = {
  databasePath: string;
  /** postgres://… when set: the gateway runs on Postgres, and several instances can share it. */
  databaseUrl: string | null;
  /** Connections one instance holds open to Postgres at most. */
  databasePoolSize: number;
};

/**
 * The seam between the engines: Postgres when a URL is configured, the SQLite file otherwise.
 * `turns` is SQLite's alone: Postgres runs statements off this thread already.
 */
export function openDatabase(config: DatabaseConfig, options: { turns?: TurnOptions } = {}): Db {
  return config.databaseUrl ? openPostgres(config.databaseUrl, config.databasePoolSize) : openSqlite(config.databasePath, options);
}

const INT8_OID = 20;

/**
 * int8 columns (our epoch-millisecond timestamps, `count(*)`) arrive from pg as strings, which
 * would make `enabled === 1`-style checks and arithmetic wrong; they are parsed as numbers, on
 * this pool only (no change to pg's global parsers). Epoch milliseconds stay far below 2^53.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond a safe JavaScript integer`);
  return value;
}

function openPostgres(url: string, poolSize: number): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'webhook-gateway',
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)),
    },
  });
  // A connection the server drops (restart, failover) emits 'error': an idle one on the pool, one
  // checked out between statements (a transaction's, or one just taken) on itself, where pg-pool
  // listens for nothing. Unheard, either ends the process. The statement under way, or the next
  // one, fails with the error instead, and the pool discards the connection and opens a new one on demand.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Opens the SQLite file (creating its folder): one connection for transactions and one for
 * everything else (sqlite-dialect.ts), or one for both when the database is in memory.
 */
function openSqlite(path: string, options: { turns?: TurnOptions }): Db {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const dialect = new GatewaySqliteDialect({
    writer: connectSqlite(path),
    reader: inMemory ? null : connectSqlite(path),
    turns: options.turns,
  });
  return new Kysely<Database>({ dialect });
}

/** One connection with the pragmas every connection needs. */
function connectSqlite(path: string) {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // No wait inside SQLite for another connection's lock: the driver waits without blocking the thread.
  sqlite.pragma('busy_timeout = 0');
  // A checkpoint copies the WAL back with an fsync, and it stopped the committing thread for
  // tens of milliseconds: no connection that serves or delivers runs one. The server's own
  // thread does (wal-checkpointer.ts); SQLite also checkpoints when the last connection closes.
  sqlite.pragma('wal_autocheckpoint = 0');
  // SQLite's lower() folds ASCII only, so a search lowered in JavaScript ("école") never met a
  // stored "École". Lower as JavaScript (and Postgres) do, for every letter.
  sqlite.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  return withStatementCache(sqlite);
}

/**
 * Kysely prepares every query it runs; better-sqlite3 statements are reusable, so keep the
 * most recent ones by SQL text. Kysely's driver runs one query at a time and never iterates
 * (no .stream() here), so a statement is never in use when it is handed out again.
 */
function withStatementCache(sqlite: SQLite.Database, size = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    get inTransaction() {
      return sqlite.inTransaction;
    },
    prepare(source: string): SQLite.Statement {
      let statement = cache.get(source);
      if (statement) {
        // Refresh its place: the Map keeps insertion order, the oldest goes first.
        cache.delete(source);
      } else {
        statement = sqlite.prepare(source);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(source, statement);
      return statement;
    },
  };
}
