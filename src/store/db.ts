import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Insertable, type Selectable, type Updateable } from 'kysely';

/*
 * The types say what better-sqlite3 returns: timestamps are integer epoch milliseconds,
 * booleans are 0/1, lists and objects are JSON text. Repositories turn them into domain values.
 */

export interface TenantTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** JSON array of ApiKeyScope. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface WebhookTable {
  id: string;
  tenant_id: string;
  name: string | null;
  url: string;
  type: string;
  /** JSON array of topic patterns. */
  topics: string;
  enabled: number;
  disabled_reason: string | null;
  /** JSON array of { name, value }. */
  headers: string;
  bearer_token: string | null;
  timeout_seconds: number;
  max_retries: number;
  backoff_seconds: number;
  backoff_strategy: string;
  echo: number;
  /** JSON array of channel names. */
  channel_types: string;
  /** JSON array of { field, expression }. */
  filters: string;
  webengage_url: string | null;
  webengage_token: string | null;
  signing_secret: string;
  previous_signing_secret: string | null;
  previous_secret_expires_at: number | null;
  consecutive_failures: number;
  created_at: number;
  updated_at: number;
}

/** One row per (webhook, topic pattern): the uniqueness rule and the publish-time lookup. */
export interface WebhookTopicTable {
  tenant_id: string;
  webhook_id: string;
  topic: string;
  url: string;
}

export interface Database {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
  webhooks: WebhookTable;
  webhook_topics: WebhookTopicTable;
}

export type TenantRow = Selectable<TenantTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type NewApiKeyRow = Insertable<ApiKeyTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type NewWebhookRow = Insertable<WebhookTable>;
export type WebhookRowUpdate = Updateable<WebhookTable>;

export type Db = Kysely<Database>;

/** Opens the SQLite file (creating its folder) with the pragmas every connection needs. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
