import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { apiKeyFromHeaders, type Principal } from '../auth/authenticate.ts';
import { grants } from '../domain/scopes.ts';
import { isDatabaseUnavailable } from '../store/unavailable.ts';
import { coalesceWrites } from './coalesced-writes.ts';
import { closeFirmly } from './firm-close.ts';
import { slotsPerKey } from './slots.ts';
import { CLOSE_FORBIDDEN, CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED, type LiveConnection } from './registry.ts';
import type { StallWatch } from './stalled-writes.ts';

/** What onConnect learns and every operation on the connection reuses. */
export type WsExtra = { principal: Principal; connection: LiveConnection; keyCheck?: Promise<unknown> };

/**
 * Largest message before connection_init is accepted: a connection_init with its key and
 * headers is a few KiB, and no one is known yet to charge a larger one to.
 */
export const MAX_MESSAGE_BYTES_BEFORE_AUTH = 64 * 1024;

/** A message over a size limit (RFC 6455's "Message Too Big"), as ws itself closes over maxPayload. */
const CLOSE_TOO_BIG = 1009;
/** Too many connections for this key or address now ("Try Again Later"). */
const CLOSE_TRY_AGAIN_LATER = 1013;

/** graphql-ws's own default, said here: a socket that sends no connection_init is closed after it (4408). */
const CONNECTION_INIT_WAIT_MS = 3_000;

const byteLength = (data: RawData) => (Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength);

const operationKey = (extra: Partial<WsExtra>, id: string) => `${extra.connection?.id}:${id}`;

/**
 * The key from connectionParams: `{ apiKey }`, `{ authorization: "Bearer …" }`, or headers as
 * GraphiQL-style tools send them (`{ "X-API-Key": … }`, or those under `headers`).
 */
export function apiKeyFromConnectionParams(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  if (typeof params.apiKey === 'string' && params.apiKey.trim()) return params.apiKey.trim();
  const nested = typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : {};
  const entries = [...Object.entries(nested), ...Object.entries(params)];
  const get = (name: string) => {
    const value = entries.find(([key]) => key.toLowerCase() === name)?.[1];
    return typeof value === 'string' ? value : null;
  };
  return apiKeyFromHeaders({ get });
}

/**
 * graphql-ws on the HTTP server's port and GraphQL path, executing through yoga's envelop so
 * the same schema, context and error masking apply as over HTTP and SSE.
 */
export function attachWebSockets(params: {
  server: Server;
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  authenticate: (key: string | null) => Promise<Principal | null>;
  /** Largest message once authenticated: ws reads no frame past it (as HTTP bodies are capped). */
  maxMessageBytes: number;
  /** Connections one key holds open; connections from one address not yet past connection_init. */
  limits: { perKey: number; waitingPerAddress: number };
  /** Cuts off a connection whose client stopped reading. */
  stalls: StallWatch;
  /** A connection's frames in one write (coalesced-writes.ts); false: one write per frame. */
  coalesce: boolean;
}) {
  const wss = new WebSocketServer({ server: params.server, path: params.yoga.graphqlEndpoint, maxPayload: params.maxMessageBytes });
  // Connections not yet past connection_init, each with what ends its wait: they get the smaller
  // message limit, and count against their remote address (no key yet to charge them to).
  const waiting = new Map<WebSocket, () => void>();
  const waitingPerAddress = slotsPerKey(params.limits.waitingPerAddress);
  // Registered before graphql-ws's own listener (useServer below), so it sees each message
  // first; a socket it closes is refused in onConnect before the key is even looked up.
  wss.on('connection', (socket, request) => {
    closeFirmly(socket);
    params.stalls.watch(request.socket, () => socket.close(CLOSE_TOO_SLOW, 'Subscriber too slow'));
    const address = request.socket.remoteAddress ?? '';
    if (!waitingPerAddress.take(address)) {
      socket.close(CLOSE_TRY_AGAIN_LATER, 'Too many connections from this address waiting for connection_init');
      return;
    }
    waiting.set(socket, () => {
      if (waiting.delete(socket)) waitingPerAddress.give(address);
    });
    socket.once('close', () => waiting.get(socket)?.());
    socket.on('message', (data) => {
      if (waiting.has(socket) && byteLength(data) > MAX_MESSAGE_BYTES_BEFORE_AUTH) {
        socket.close(CLOSE_TOO_BIG, `Messages before connection_ack are limited to ${MAX_MESSAGE_BYTES_BEFORE_AUTH} bytes`);
      }
    });
  });
  // Operations not yet completed, so shutdown can let their `complete` messages go out before closing.
  const running = new Set<string>();
  let drained: (() => void) | null = null;
  const finished = (key: string) => {
    running.delete(key);
    if (running.size === 0) drained?.();
  };
  // Every accepted connection by the key that opened it, so revoking the key closes them all,
  // with or without subscriptions.
  const byKey = new Map<string, Set<WebSocket>>();
  const track = (keyId: string, socket: WebSocket) => {
    const sockets = byKey.get(keyId) ?? byKey.set(keyId, new Set()).get(keyId)!;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && byKey.get(keyId) === sockets) byKey.delete(keyId);
    });
  };
  /**
   * The key's principal, or 'away' when the database cannot say (Postgres restarting): the
   * socket is then closed with 1013, which clients retry. Thrown, the error would close it with
   * graphql-ws's 4500, which ends a client's retries.
   */
  const lookUp = async (socket: WebSocket, connectionParams: Record<string, unknown> | undefined): Promise<Principal | null | 'away'> => {
    try {
      return await params.authenticate(apiKeyFromConnectionParams(connectionParams));
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      socket.close(CLOSE_TRY_AGAIN_LATER, 'Database unavailable; reconnect shortly');
      return 'away';
    }
  };
  const disposable = useServer<Record<string, unknown> | undefined, WsExtra>(
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: async (ctx) => {
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
        const principal = await lookUp(ctx.extra.socket, ctx.connectionParams);
        if (principal === 'away') return false;
        if (!principal) {
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, 'Unauthenticated: send a valid apiKey in connectionParams');
          return false;
        }
        if (!grants(principal.scopes, 'WEBHOOKS_READ')) {
          ctx.extra.socket.close(CLOSE_FORBIDDEN, 'Forbidden: the API key lacks WEBHOOKS_READ');
          return false;
        }
        const socket = ctx.extra.socket;
        if ((byKey.get(principal.keyId)?.size ?? 0) >= params.limits.perKey) {
          socket.close(CLOSE_TRY_AGAIN_LATER, `At most ${params.limits.perKey} connections per API key`);
          return false;
        }
        if (params.coalesce) coalesceWrites(socket, ctx.extra.request.socket);
        ctx.extra.principal = principal;
        ctx.extra.connection = { id: randomUUID(), close: (code, reason) => socket.close(code, reason) };
        track(principal.keyId, socket);
        waiting.get(socket)?.();
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // The key is checked again for every operation: a revocation this process did not hear
        // of (a lost signal from another instance) still stops the connection at its next one.
        // Checked in the order the operations arrived, one after another: a lookup that returns
        // early must not let a later operation take the last subscription slot of an earlier one.
        const check = (ctx.extra.keyCheck ?? Promise.resolve()).then(() => lookUp(ctx.extra.socket, ctx.connectionParams));
        ctx.extra.keyCheck = check.catch(() => undefined);
        const current = await check;
        if (current === 'away')
          return [new GraphQLError('The database is unavailable; reconnect shortly', { extensions: { code: 'DATABASE_UNAVAILABLE' } })];
        if (!current || current.keyId !== ctx.extra.principal?.keyId) {
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, 'API key revoked');
          return [new GraphQLError('The API key of this connection was revoked', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        // What the context factory reads (app.ts), and no more: each open subscription keeps its context.
        const { schema, execute, subscribe, contextFactory, parse, validate } = params.yoga.getEnveloped({
          principal: ctx.extra.principal,
          connection: ctx.extra.connection,
          params: payload,
        });
        // A refused operation (token limit, syntax) is an error message for this operation alone:
        // thrown out of onSubscribe it would close the connection and every subscription on it.
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const args = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        running.add(operationKey(ctx.extra, id));
        return args;
      },
      onComplete: (ctx, id) => finished(operationKey(ctx.extra, id)),
      onClose: (ctx) => {
        for (const key of [...running].filter((k) => k.startsWith(operationKey(ctx.extra, '')))) finished(key);
      },
    },
    wss,
  );
  return {
    /** Closes every connection this key opened (4401), whatever it carries. */
    revokeKey(keyId: string): void {
      for (const socket of byKey.get(keyId) ?? []) socket.close(CLOSE_UNAUTHENTICATED, 'API key revoked');
    },
    /** Open graphql-ws connections (for the metrics). */
    connections: () => wss.clients.size,
    /**
     * Waits (a second at most) for operations being completed to send their `complete`, then
     * closes every connection (clients see 1001 Going away) and the server.
     */
    async dispose() {
      if (running.size > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, 1_000).unref();
        });
        // The last `complete` is sent just after onComplete returns.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await disposable.dispose();
    },
  };
}
