import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const boolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => value === 'true' || value === '1' || value === 'yes');

/** One CSP source (no wildcard but a leading `*.` host label) or an exact origin, as browsers send it in `Origin`. */
const SOURCE = String.raw`(?:'self'|https?://(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?)`;
const ORIGIN = String.raw`https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?`;
const FRAME_ANCESTORS_PATTERN = new RegExp(String.raw`^\s*(?:'none'|${SOURCE}(?:[\s,]+${SOURCE})*)\s*$`);
const CORS_ORIGINS_PATTERN = new RegExp(String.raw`^\s*${ORIGIN}(?:\s*,\s*${ORIGIN})*\s*$`);

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/gateway.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL (unset it to use the SQLite file at DATABASE_PATH)')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(10),
  INSTANCE_ID: z.string().min(1).max(200).optional(),
  INSTANCE_DEAD_AFTER_SECONDS: z.coerce.number().min(1).max(3_600).default(10),
  ALLOW_PRIVATE_ADDRESSES: boolean.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Unset: one thread per core but the one the API runs on, at least one. 0: on the main thread.
  DELIVERY_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
  DELIVERY_CONCURRENCY_PER_WEBHOOK: z.coerce.number().int().min(1).max(1_000).default(8),
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
  AUTO_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(25),
  PAUSE_MAX_HELD: z.coerce.number().int().min(1).max(100_000_000).default(10_000),
  PAUSE_MAX_HELD_HOURS: z.coerce.number().min(0.0001).max(8_760).default(72),
  ATTEMPT_RETENTION_DAYS: z.coerce.number().min(0.001).max(3_650).default(30),
  EVENT_RETENTION_DAYS: z.coerce.number().min(0.001).max(3_650).default(30),
  // Storage quotas (issue 26): bytes of stored events per tenant (0: no quota), and how long an event no webhook took is kept.
  STORAGE_BYTES_PER_TENANT: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(1024 * 1024 * 1024),
  UNMATCHED_EVENT_RETENTION_SECONDS: z.coerce.number().min(1).max(315_360_000).default(3_600),
  AUDIT_RETENTION_DAYS: z.coerce.number().min(0.001).max(3_650).default(90),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3_600).default(30),
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(200),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(400),
  LIVE_BUFFER_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(100_000).default(100),
  MAX_SUBSCRIPTIONS_PER_TENANT: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  LIVE_TENANT_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  // A live client that stops reading (issue 22): cut off once its socket has not drained for this long, or holds this much.
  LIVE_SLOW_CLIENT_SECONDS: z.coerce.number().min(0.1).max(3_600).default(10),
  LIVE_SLOW_CLIENT_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  // Connections (issue 22): what one key, one address or a silent client can hold open.
  // Unset: the soft RLIMIT_NOFILE less a reserve for deliveries and the database (http-limits.ts).
  MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  MAX_WS_CONNECTIONS_PER_KEY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  MAX_WAITING_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(256),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3_600).default(10),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3_600).default(30),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3_600).default(5),
  // Unset: /metrics is off. A token long enough that guessing it is hopeless.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Browsers (issue 22): who may frame GraphiQL, which origins may call the API, and the watchdog.
  FRAME_ANCESTORS: z
    .string()
    .regex(
      FRAME_ANCESTORS_PATTERN,
      "must be 'none', or 'self' and/or origins such as https://app.example.com, separated by spaces or commas",
    )
    .default("'none'"),
  CORS_ORIGINS: z
    .string()
    .regex(
      CORS_ORIGINS_PATTERN,
      'must be origins such as https://app.example.com (scheme, host, port if not the default), separated by commas',
    )
    .optional(),
  EVENT_LOOP_WATCHDOG_SECONDS: z.coerce.number().min(0).max(3_600).default(10),
  SPEED_UPS: z.enum(['on', 'off']).default('on'),
  // Secrets at rest (issue 26): the key webhook credentials are sealed with (store/secret-key.ts).
  SECRETS_KEY: z
    .string()
    .refine((text) => secretKeyBytes(text) !== null, 'must be 32 bytes as 64 hex digits or as base64 (openssl rand -base64 32)')
    .optional(),
  SECRETS_KEY_FILE: z.string().min(1).optional(),
});

/** 32 bytes written as 64 hex digits or as base64 (with or without padding, or base64url); null when it is neither. */
export function secretKeyBytes(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  return null;
}

/** Every environment variable the gateway reads. */
export const configVariables = Object.keys(ConfigSchema.shape) as (keyof typeof ConfigSchema.shape)[];

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  /** Postgres instead of the SQLite file, when set; instances sharing it act as one gateway. */
  databaseUrl: string | null;
  /** Postgres connections per instance at most. */
  databasePoolSize: number;
  /** Names this process on its delivery leases and in logs; unique per running instance. */
  instanceId: string;
  /** Development and tests only: admit http:// and loopback/private receivers. */
  allowPrivateAddresses: boolean;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  delivery: {
    /** Worker threads the delivery engine runs in; 0: on the main thread, beside the API. */
    workers: number;
    /** Requests in flight at once, over all endpoints (shared among the workers). */
    concurrency: number;
    /** Requests in flight at once to one webhook, so a slow endpoint cannot take every slot. */
    concurrencyPerWebhook: number;
    /** How long a claim holds a delivery; a crashed worker's claims come back after it. */
    leaseMs: number;
    autoDisableAfterFailures: number;
    /** A paused webhook's held deliveries past this many fail, oldest first. */
    pauseMaxHeld: number;
    /** ... and those held longer than this. */
    pauseMaxHeldMs: number;
    attemptRetentionMs: number;
    /** Events older than this go, with their deliveries and attempts, once nothing is left to send. */
    eventRetentionMs: number;
    /** ... and events that reached no webhook (and were not published with retain) once older than this. */
    unmatchedEventRetentionMs: number;
    /** Audit log entries older than this go (the pruner, like the other retentions, runs beside the delivery loop). */
    auditRetentionMs: number;
    shutdownGraceMs: number;
    /** This process on its leases (see instanceId). */
    instanceId: string;
    /** An instance silent this long is dead: any other takes its leases (by the database's clock). */
    deadAfterMs: number;
    /** How often an instance says it is alive: several beats fit in deadAfterMs. */
    heartbeatMs: number;
  };
  /** Bytes a tenant's stored events may take (domain/storage.ts counts them); null: no quota. */
  storageBytesPerTenant: number | null;
  /** Mutations per API key: sustained rate (0 = no limit) and burst. */
  rateLimit: { perSecond: number; burst: number };
  live: {
    /** Updates a subscription may leave unread before it is ended as too slow. */
    bufferSize: number;
    perConnection: number;
    perTenant: number;
    /** Event payload bytes one update may send to all of a tenant's subscriptions together, as priced when they subscribe. */
    tenantPayloadBytes: number;
    /** A graphql-ws or SSE connection whose socket has not drained for this long is cut off as too slow ... */
    slowClientMs: number;
    /** ... or at once when this many bytes wait in its send buffer. */
    slowClientBytes: number;
  };
  connections: {
    /** HTTP and WebSocket connections at once (server.maxConnections); null: from the descriptor limit. */
    max: number | null;
    /** graphql-ws connections one API key holds open at once. */
    wsPerKey: number;
    /** Connections from one remote address with no request yet (HTTP), and graphql-ws ones not yet past connection_init. */
    waitingPerAddress: number;
    /** A connection's request headers must have arrived within this (also: its first byte). */
    headersTimeoutMs: number;
    /** ... and its whole request, body included, within this. */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this. */
    keepAliveTimeoutMs: number;
  };
  /** GET /metrics: with a bearer token on the main port, and/or on its own port bound to 127.0.0.1; off when neither. */
  metrics: { token: string | null; port: number | null };
  web: {
    /** CSP frame-ancestors sources for GraphiQL: `'none'` (the default), or `'self'` and origins. */
    frameAncestors: string[];
    /** Origins whose pages may call the API (CORS, never with credentials); empty: CORS off. */
    corsOrigins: string[];
  };
  /** A main event loop blocked this long ends the process (src/watchdog.ts); 0: no watchdog. */
  eventLoopWatchdogMs: number;
  /** Off: every optimisation that has a plain equivalent is left out (app.ts), so the plain path stays testable. */
  speedUps: boolean;
  secrets: {
    /** SECRETS_KEY as given (validated: 32 bytes); null: the key file. */
    key: string | null;
    /** Where the key is read from without SECRETS_KEY, and written to on the first start when it is not there. */
    keyFile: string;
  };
};

export class ConfigError extends Error {}

/** Reads the environment into a typed config; a bad value stops start-up with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  if (values.HTTP_HEADERS_TIMEOUT_SECONDS > values.HTTP_REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError('invalid configuration: HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS');
  }
  // Unique per app even within one process (tests and benches run several): a shared id would
  // let each instance retire the other's leases at start as if they were its own earlier life.
  const instanceId = values.INSTANCE_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return {
    port: values.PORT,
    host: values.HOST,
    databasePath: values.DATABASE_PATH,
    databaseUrl: values.DATABASE_URL ?? null,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    instanceId,
    allowPrivateAddresses: values.ALLOW_PRIVATE_ADDRESSES,
    logLevel: values.LOG_LEVEL,
    delivery: {
      workers: values.DELIVERY_WORKERS ?? Math.max(1, availableParallelism() - 1),
      concurrency: values.DELIVERY_CONCURRENCY,
      concurrencyPerWebhook: values.DELIVERY_CONCURRENCY_PER_WEBHOOK,
      leaseMs: values.DELIVERY_LEASE_SECONDS * 1000,
      autoDisableAfterFailures: values.AUTO_DISABLE_AFTER_FAILURES,
      pauseMaxHeld: values.PAUSE_MAX_HELD,
      pauseMaxHeldMs: Math.round(values.PAUSE_MAX_HELD_HOURS * 3_600_000),
      // Whole milliseconds: they are compared with bigint columns, which refuse fractions on Postgres.
      attemptRetentionMs: Math.round(values.ATTEMPT_RETENTION_DAYS * 86_400_000),
      eventRetentionMs: Math.round(values.EVENT_RETENTION_DAYS * 86_400_000),
      unmatchedEventRetentionMs: Math.round(values.UNMATCHED_EVENT_RETENTION_SECONDS * 1000),
      auditRetentionMs: Math.round(values.AUDIT_RETENTION_DAYS * 86_400_000),
      shutdownGraceMs: values.SHUTDOWN_GRACE_SECONDS * 1000,
      instanceId,
      deadAfterMs: Math.round(values.INSTANCE_DEAD_AFTER_SECONDS * 1000),
      heartbeatMs: Math.max(200, Math.round((values.INSTANCE_DEAD_AFTER_SECONDS * 1000) / 5)),
    },
    storageBytesPerTenant: values.STORAGE_BYTES_PER_TENANT === 0 ? null : values.STORAGE_BYTES_PER_TENANT,
    rateLimit: { perSecond: values.RATE_LIMIT_PER_SECOND, burst: values.RATE_LIMIT_BURST },
    live: {
      bufferSize: values.LIVE_BUFFER_SIZE,
      perConnection: values.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      perTenant: values.MAX_SUBSCRIPTIONS_PER_TENANT,
      tenantPayloadBytes: values.LIVE_TENANT_PAYLOAD_BYTES,
      slowClientMs: Math.round(values.LIVE_SLOW_CLIENT_SECONDS * 1000),
      slowClientBytes: values.LIVE_SLOW_CLIENT_BYTES,
    },
    connections: {
      max: values.MAX_CONNECTIONS ?? null,
      wsPerKey: values.MAX_WS_CONNECTIONS_PER_KEY,
      waitingPerAddress: values.MAX_WAITING_CONNECTIONS_PER_ADDRESS,
      headersTimeoutMs: Math.round(values.HTTP_HEADERS_TIMEOUT_SECONDS * 1000),
      requestTimeoutMs: Math.round(values.HTTP_REQUEST_TIMEOUT_SECONDS * 1000),
      keepAliveTimeoutMs: Math.round(values.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000),
    },
    metrics: { token: values.METRICS_TOKEN ?? null, port: values.METRICS_PORT ?? null },
    web: {
      frameAncestors: values.FRAME_ANCESTORS.trim().split(/[\s,]+/),
      corsOrigins: values.CORS_ORIGINS?.trim().split(/\s*,\s*/) ?? [],
    },
    eventLoopWatchdogMs: Math.round(values.EVENT_LOOP_WATCHDOG_SECONDS * 1000),
    speedUps: values.SPEED_UPS === 'on',
    secrets: {
      key: values.SECRETS_KEY ?? null,
      // Beside the data it opens, so both are backed up and moved together (./data on Postgres too).
      keyFile: values.SECRETS_KEY_FILE ?? join(dirname(values.DATABASE_PATH), 'secrets.key'),
    },
  };
}
