import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from './config.ts';
import { slotsPerKey } from './live/slots.ts';

/*
 * The HTTP server's connections, bounded: no client holds one without sending a request in
 * time, no address holds many that have sent none, and never so many at once that the process runs out of file descriptors, which
 * deliveries (outbound sockets), the database and the engine threads need too.
 */

/** The soft RLIMIT_NOFILE (Node raises it to the hard limit at start); 1,024, the usual default, where it cannot be read. */
export function softFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: assume the common default.
  }
  return 1_024;
}

/**
 * Connections the server accepts at once: the descriptor limit less a reserve of a quarter of
 * it, and never less than the engine's own need (an outbound socket per delivery in flight, the
 * database pool, and 128 for files, threads, DNS and the metrics port). At least 1 (0 would
 * mean no limit to node).
 */
export function connectionCap(fileLimit: number, need: { deliveryConcurrency: number; databasePoolSize: number }): number {
  const reserve = Math.max(Math.ceil(fileLimit / 4), need.deliveryConcurrency + need.databasePoolSize + 128);
  return Math.max(1, fileLimit - reserve);
}

/** The gateway's HTTP server with its timeouts and connection cap set; `maxConnections` for the start-up log. */
export function createBoundedServer(handle: RequestListener, config: Config): { server: Server; maxConnections: number } {
  const { connections } = config;
  const server = createServer(
    {
      headersTimeout: connections.headersTimeoutMs,
      requestTimeout: connections.requestTimeoutMs,
      keepAliveTimeout: connections.keepAliveTimeoutMs,
      // How often node looks for requests past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, connections.headersTimeoutMs),
    },
    handle,
  );
  // Over the cap, node closes a new connection at once, before reading from it.
  const maxConnections =
    connections.max ??
    connectionCap(softFileLimit(), { deliveryConcurrency: config.delivery.concurrency, databasePoolSize: config.databasePoolSize });
  server.maxConnections = maxConnections;

  // Connections that have sent no request yet. node's headersTimeout only covers a connection
  // once its first byte arrived: one that sends nothing is closed here, after the same time. And
  // one address holds at most waitingPerAddress of them (a proxy's connections send at once).
  const waiting = new Map<Socket, () => void>();
  const waitingPerAddress = slotsPerKey(connections.waitingPerAddress);
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (!waitingPerAddress.take(address)) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => socket.destroy(), connections.headersTimeoutMs);
    waiting.set(socket, () => {
      if (!waiting.delete(socket)) return;
      clearTimeout(timer);
      waitingPerAddress.give(address);
    });
    socket.once('close', () => waiting.get(socket)?.());
  });
  const spoke = (socket: Socket) => waiting.get(socket)?.();
  server.on('request', (request: { socket: Socket }) => spoke(request.socket));
  server.on('upgrade', (_request: unknown, socket: Socket) => spoke(socket));
  return { server, maxConnections };
}
