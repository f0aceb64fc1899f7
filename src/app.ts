import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { sql } from 'kysely';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { apiKeyFromHeaders, authenticate, unauthenticatedMessage, type Principal } from './auth/authenticate.ts';
import { createRateLimiter, createSharedRateLimiter } from './auth/rate-limiter.ts';
import { createLiveRegistry, type LiveConnection, type LiveRegistry } from './live/registry.ts';
import { attachWebSockets } from './live/ws-server.ts';
import { createStallWatch } from './live/stalled-writes.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { ForbiddenError, GatewayError } from './domain/errors.ts';
import type { Context } from './graphql/context.ts';
import { schema } from './graphql/schema.ts';
import { useCompiledQueries } from './graphql/compiled-queries.ts';
import { useCorsAllowlist } from './graphql/cors.ts';
import { createLogger } from './logger.ts';
import { currentRequestId, newRequestId, withRequestId } from './request-context.ts';
import { createRepositories, createServices, type Repositories, type Services } from './services/index.ts';
import { openDatabase, type Db } from './store/db.ts';
import { storageState } from './store/free-space.ts';
import { isDatabaseUnavailable, isStorageFull } from './store/unavailable.ts';
import { createWebhookCache } from './store/webhook-cache.ts';
import { openSecretBox } from './store/sealed-secrets.ts';
import type { SecretBox } from './store/secret-box.ts';
import { aheadOfTurns } from './store/fair-turns.ts';
import { startWalCheckpointer } from './store/wal-checkpointer.ts';
import { createDispatcher, type LookupFunction } from './delivery/dispatcher.ts';
import { createGraphiql } from './graphiql/index.ts';
import { createAnnouncer } from './services/announcer.ts';
import { createCluster } from './live/cluster.ts';
import { createMonitor } from './monitor/index.ts';
import { createWorker, type Worker } from './delivery/worker.ts';
import { engineOnThisThread, type DeliveryEngine } from './delivery/engine.ts';
import { startEngineThreads } from './delivery/engine-threads.ts';
import { createLiveFeed, type LiveFeed } from './live/feed.ts';
import { migrateToLatest } from './store/migrate.ts';
import { queryLimitPlugins } from './graphql/query-limits.ts';
import { authenticatedParseCache } from './graphql/parse-cache.ts';
import { useSharedSubscriptionExecution } from './graphql/shared-subscriptions.ts';
import { createMetrics, type Metrics } from './metrics/index.ts';
import { metricsAccess } from './metrics/http.ts';
import { useOperationMetrics } from './metrics/graphql-plugin.ts';
import { readQueueState } from './metrics/queue.ts';

export type AppOptions = {
  clock?: Clock;
  logger?: Logger;
  /** Jitter source for retry delays; tests pin it. */
  random?: () => number;
  /** DNS for deliveries; tests point hostnames at loopback receivers. */
  lookup?: LookupFunction;
  /** Start the delivery worker (default true); tests that drive it by hand say false. */
  startWorker?: boolean;
  /**
   * The delivery threads' entry module (default: the one beside this file). Tests run in-process
   * from src/ but start the threads from build/, as `npm start` does: loading src/ through tsx
   * in each thread cost ~4 s of CPU per app.
   */
  engineThreadEntry?: string;
};

/** What a WebSocket operation brings to yoga's context factory beyond the request. */
type ServerContext = { principal?: Principal; connection?: LiveConnection };

export type App = {
  config: Config;
  db: Db;
  /** Seals and opens webhooks' credentials in this database, with the key checked at start (store/sealed-secrets.ts). */
  secrets: SecretBox;
  yoga: YogaServerInstance<ServerContext, Context>;
  live: LiveRegistry;
  /** Serves graphql-ws on this HTTP server's port and GraphQL path. */
  attachWebSockets: (server: Server) => void;
  repos: Repositories;
  services: Services;
  feed: LiveFeed;
  worker: Worker;
  logger: Logger;
  metrics: Metrics;
  /** Starts the 127.0.0.1 metrics server when METRICS_PORT is set; resolves with its port. */
  listenMetrics: () => Promise<number | null>;
  /** The node:http request listener: health check, then GraphQL (HTTP, SSE, GraphiQL). */
  handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Stops claiming, lets attempts in flight finish within the grace period, closes the database. */
  close: () => Promise<void>;
};

function unauthenticated(keySent: boolean): GraphQLError {
  return new GraphQLError(unauthenticatedMessage(keySent), {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } },
  });
}

/** Largest request body read, and graphql-ws message: a 256 KiB event payload as JSON, with room for the operation around it. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * A request body the gateway will not read, so no client can make it buffer without bound:
 * over the limit (413), or streamed with no declared length (411).
 */
function bodyProblem(request: IncomingMessage): { status: number; message: string } | null {
  const length = request.headers['content-length'];
  if (length !== undefined && Number(length) > MAX_REQUEST_BYTES) {
    return { status: 413, message: `Request body over ${MAX_REQUEST_BYTES} bytes` };
  }
  if (length === undefined && request.headers['transfer-encoding'] !== undefined) {
    return { status: 411, message: 'Send a Content-Length with the request body' };
  }
  return null;
}

/** Expected failures keep their message and code; a database that is away says so; anything else is logged and replaced. */
function maskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
    if (original instanceof GatewayError) {
      const extensions = original instanceof ForbiddenError ? { requiredScope: original.requiredScope } : {};
      return new GraphQLError(original.message, { ...located, extensions: { code: original.code, ...extensions } });
    }
    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
    const requestId = currentRequestId() ?? newRequestId();
    if (isDatabaseUnavailable(original)) {
      // Expected while Postgres restarts or fails over: the client retries (with its idempotencyKey), no stack is logged.
      logger.warn({ requestId, reason: (original as Error).message }, 'database unavailable; request answered DATABASE_UNAVAILABLE');
      return new GraphQLError('The database is unavailable; retry shortly', {
        ...located,
        extensions: { code: 'DATABASE_UNAVAILABLE', requestId, http: { status: 503, headers: { 'retry-after': '1' } } },
      });
    }
    if (isStorageFull(original)) {
      // The transaction rolled back: nothing of the request was kept, and the same request succeeds once there is room.
      logger.error({ requestId, reason: (original as Error).message }, 'storage full; request answered STORAGE_FULL');
      return new GraphQLError("The gateway's storage is full; nothing was changed. Retry once space is freed", {
        ...located,
        extensions: { code: 'STORAGE_FULL', requestId, http: { status: 503, headers: { 'retry-after': '10' } } },
      });
    }
    logger.error({ err: original, requestId }, 'unexpected error while resolving a request');
    return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } });
  };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  // On SQLite statements take turns by request, a few milliseconds at a time, so no request holds the thread.
  const db = openDatabase(config, { turns: { sliceMs: 5, keyOf: currentRequestId } });
  await migrateToLatest(db);
  // Webhooks' credentials are sealed at rest; a key that does not open them stops the start here (sealed-secrets.ts).
  const { box: secrets, key: secretKey } = await openSecretBox(db, config, logger);
  // This database's webhooks as this thread keeps them, for its publishes and (DELIVERY_WORKERS=0) its claims.
  const webhookCache = createWebhookCache(secrets);
  const checkpointer = config.databaseUrl || config.databasePath === ':memory:' ? null : startWalCheckpointer(config.databasePath, logger);
  const repos = createRepositories(db, secrets);
  let webSockets: ReturnType<typeof attachWebSockets> | undefined;
  const live = createLiveRegistry(config.live);
  const stalls = createStallWatch({ stallMs: config.live.slowClientMs, maxBytes: config.live.slowClientBytes });
  const metrics = createMetrics({
    queue: () => readQueueState(db, clock.now(), config.delivery.deadAfterMs),
    liveSubscriptions: () => live.count(),
    liveConnections: () => webSockets?.connections() ?? 0,
  });
  const metricsHttp = metricsAccess(metrics, config.metrics);
  const feed = createLiveFeed();
  // A revoked key's subscriptions end and every WebSocket it opened closes, here and (relayed) on every instance.
  const revokeHere = (keyId: string) => {
    live.revokeKey(keyId);
    webSockets?.revokeKey(keyId);
  };
  // Several instances on one Postgres: wake-ups, live updates and revocations reach the others too.
  const cluster = config.databaseUrl
    ? createCluster({
        url: config.databaseUrl,
        db,
        instanceId: config.instanceId,
        logger,
        feed,
        wake: () => engine.wake(),
        revokeKey: revokeHere,
      })
    : null;
  await cluster?.start();
  // Every write path announces through this one notifier, the delivery threads too; a delivery
  // due now wakes the worker. Attempts are counted there: what this instance recorded, not what others relayed.
  const announcer = createAnnouncer({ feed, clock, wake: () => engine.wake(), relay: cluster?.relay, recorded: metrics.attemptRecorded });
  // In worker threads (DELIVERY_WORKERS), or here when it is 0: tests that drive the worker by hand.
  let here: Worker | null = null;
  let engine: DeliveryEngine;
  if (config.delivery.workers === 0) {
    const dispatcher = createDispatcher({ allowPrivateAddresses: config.allowPrivateAddresses, lookup: options.lookup });
    here = createWorker({
      db,
      secrets,
      webhookCache,
      clock,
      dispatcher,
      announcer,
      stages: metrics.stages,
      logger,
      config: config.delivery,
      random: options.random,
    });
    engine = engineOnThisThread({ worker: here, dispatcher, logger });
  } else {
    engine = startEngineThreads({
      config,
      count: config.delivery.workers,
      announcer: announcer.fromThreads,
      stages: metrics.stages,
      logger,
      signalsOwner: cluster?.owner ?? null,
      secretKey,
      entry: options.engineThreadEntry,
    });
  }
  // Per process on SQLite; one bucket per key for all instances on Postgres.
  const limiter = config.databaseUrl
    ? createSharedRateLimiter({ ...config.rateLimit, clock, db })
    : createRateLimiter({ ...config.rateLimit, clock });
  const services = createServices({
    db,
    secrets,
    webhookCache,
    config,
    clock,
    announcer,
    stages: metrics.stages,
    onKeyRevoked: (keyId) => {
      revokeHere(keyId);
      cluster?.revoked(keyId);
    },
  });

  const graphiql = createGraphiql('/graphql', config.web.frameAncestors);
  const monitor = createMonitor();
  // SPEED_UPS=off: each optimisation below that has a plain equivalent is left out (the webhook
  // cache and prepared statements live in the store and stay).
  const { speedUps } = config;
  const parseCache = speedUps ? authenticatedParseCache() : null;
  const yoga = createYoga<ServerContext, Context>({
    schema,
    logging: false,
    landingPage: false,
    // Token, depth, alias and directive limits while parsing and validating, before authentication;
    // compiled execution for queries only (see compiled-queries.ts).
    plugins: [
      ...queryLimitPlugins(),
      ...(speedUps ? [useCompiledQueries()] : []),
      // Live executions shared by equal subscribers and started ahead, or each alone.
      useSharedSubscriptionExecution({ shared: speedUps }),
      useOperationMetrics(metrics),
      useCorsAllowlist(config.web.corsOrigins),
      graphiql.plugin,
      ...(parseCache ? [parseCache.plugin] : []),
    ],
    // Yoga's default CORS answers every origin, with credentials: only CORS_ORIGINS instead (graphql/cors.ts).
    cors: false,
    // Bounded by bytes, and filled only by authenticated operations (parse-cache.ts).
    parserAndValidationCache: parseCache?.option ?? false,
    maskedErrors: { maskError: maskError(logger), errorMessage: 'Unexpected error; quote the requestId when reporting it' },
    // Served from the installed package (no CDN); the page asks for the key before GraphiQL starts.
    graphiql: { title: 'Webhook gateway', subscriptionsProtocol: 'WS' },
    renderGraphiQL: graphiql.render,
    context: async (initial) => {
      // Over WebSocket the connection was authenticated once, in onConnect; HTTP and SSE send the key each time.
      const principal = initial.principal ?? (await authenticate(repos.apiKeys, apiKeyFromHeaders(initial.request.headers), clock.now()));
      if (!principal) throw unauthenticated(apiKeyFromHeaders(initial.request.headers) !== null);
      return {
        principal,
        repos,
        services,
        feed,
        logger,
        live: { registry: live, connection: initial.connection ?? null },
        rateLimit: () => limiter.take(principal.keyId),
      };
    },
  });

  async function health(response: ServerResponse) {
    let database = 'ok';
    try {
      // Ahead of the reads taking turns (store/fair-turns.ts): the probe asks whether the database
      // answers, not how busy this process's requests keep it.
      await aheadOfTurns(() => sql`select 1`.execute(db));
    } catch {
      database = 'unavailable';
    }
    const storage = config.databaseUrl ? undefined : await storageState(dirname(resolve(config.databasePath))).catch(() => 'unknown');
    const healthy = database === 'ok' && storage !== 'full';
    response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded', database, storage, uptimeSeconds: Math.round(process.uptime()) }));
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const requestId = newRequestId();
    const started = performance.now();
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      const path = (request.url ?? '/').split('?')[0];
      logger.info(
        { requestId, method: request.method, path, status: response.statusCode, durationMs: Math.round(performance.now() - started) },
        'request',
      );
    });
    const refused = bodyProblem(request);
    if (refused) {
      response.writeHead(refused.status, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify({ errors: [{ message: refused.message, extensions: { code: 'BAD_REQUEST' } }] }));
      return;
    }
    // An SSE response is a live connection: a client that stops reading it is cut off as a WebSocket one is.
    if (request.headers.accept?.includes('text/event-stream')) stalls.watch(request.socket, () => request.socket.destroy());
    withRequestId(
      requestId,
      () => {
        if (request.url?.split('?')[0] === '/healthz') void health(response);
        else if (metricsHttp.handle(request, response)) return;
        else if (!graphiql.serveAsset(request, response) && !monitor.serve(request, response)) void yoga.requestListener(request, response);
      },
      started,
    );
  };

  if (options.startWorker !== false) await engine.start();

  return {
    config,
    db,
    secrets,
    yoga,
    repos,
    services,
    feed,
    get worker() {
      if (!here) throw new Error('the delivery engine runs in worker threads here: set DELIVERY_WORKERS=0 to drive it on this thread');
      return here;
    },
    live,
    logger,
    metrics,
    listenMetrics: () => metricsHttp.listen(),
    handle,
    attachWebSockets: (server) => {
      webSockets = attachWebSockets({
        server,
        yoga: yoga as never,
        authenticate: (key) => authenticate(repos.apiKeys, key, clock.now()),
        maxMessageBytes: MAX_REQUEST_BYTES,
        limits: { perKey: config.connections.wsPerKey, waitingPerAddress: config.connections.waitingPerAddress },
        stalls,
        coalesce: speedUps,
      });
    },
    close: async () => {
      // Subscribers get a completion for each subscription before their connection closes.
      live.endAll();
      await webSockets?.dispose();
      await metricsHttp.close();
      // Nothing of this process is in flight any more: its leases are free for the others at once.
      await engine.stop(config.delivery.shutdownGraceMs);
      await cluster?.stop();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
