import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

/** What the receiver does with one request: answer (possibly later), or never answer. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { hang: true }
  | { wait: Promise<void>; status: number; body?: string };

export type Receiver = {
  url: string;
  port: number;
  requests: Received[];
  /** Sets how the next requests are answered (default: 200 "ok"). */
  reply(handler: (request: Received) => Reply): void;
  /** Resolves once `count` requests have arrived in total. */
  received(count: number): Promise<Received[]>;
  close(): Promise<void>;
};

/** A real HTTP endpoint on 127.0.0.1 that records every request it gets. */
export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: (all: Received[]) => void }[] = [];
  const sockets = new Set<Socket>();
  let handler: (request: Received) => Reply = () => ({ status: 200, body: 'ok' });

  const answer = (response: ServerResponse, reply: { status: number; headers?: Record<string, string>; body?: string }) => {
    response.writeHead(reply.status, reply.headers);
    response.end(reply.body ?? '');
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const reply = handler(received);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([...requests]);
      }
      if ('hang' in reply) return;
      if ('wait' in reply) void reply.wait.then(() => answer(response, reply));
      else answer(response, reply);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply(next) {
      handler = next;
    },
    received(count) {
      if (requests.length >= count) return Promise.resolve([...requests]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether a receiver verifying with `secret` (a Standard Webhooks library, as a tenant's would) accepts the request. */
export function verifiesWith(secret: string, request: Pick<Received, 'body' | 'headers'>): boolean {
  try {
    new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
