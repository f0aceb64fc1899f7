import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, createWebhookAt, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';

/*
 * Issue 26 item 2: receivers that fight back, against the real server process. One event goes to
 * seven webhooks at once: six hostile endpoints and an ordinary neighbour. Each hostile attempt
 * ends (by the webhook's 2 s timeout, or by an error) and is recorded with an error that says
 * what happened; the neighbour is served meanwhile, before any hostile attempt has ended.
 */

const TIMEOUT_SECONDS = 2;
const setup = gatewayAndReceiverForThisFile('hostile-receivers');
const sockets = new Set<Socket>();
const servers: Server[] = [];

/** A TCP server that does `behave` with each connection; its port. */
async function tcp(behave: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    behave(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const timers = new Set<NodeJS.Timeout>();
const hooks = {} as Record<'huge' | 'trickle' | 'silent' | 'notHttp' | 'tls' | 'dns' | 'neighbour', string>;

beforeAll(async () => {
  const { gateway, receiver } = setup;
  const ports = {
    // 64 MiB of body as fast as the socket takes it, after an ordinary 200.
    huge: await tcp((socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${64 * 1024 * 1024}\r\n\r\n`);
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        let sent = 0;
        const more = () => {
          while (sent < 64 && !socket.destroyed) {
            sent++;
            if (!socket.write(chunk)) return void socket.once('drain', more);
          }
        };
        more();
      });
    }),
    // The status line one byte a second: never a whole header within the timeout.
    trickle: await tcp((socket) => {
      socket.once('data', () => {
        const line = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        let at = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || at >= line.length) return clearInterval(timer);
          socket.write(line.subarray(at, ++at));
        }, 1_000);
        timers.add(timer);
      });
    }),
    // Takes the connection and the request, answers nothing.
    silent: await tcp(() => undefined),
    // Not HTTP at all: an SSH banner, then the connection stays open.
    notHttp: await tcp((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n')),
    // Plain TCP where the webhook's URL says https: the TLS handshake fails.
    plainForTls: await tcp((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))),
  };
  const at = (port: number, scheme = 'http') => `${scheme}://127.0.0.1:${port}/hook`;
  const options = { timeoutSeconds: TIMEOUT_SECONDS };
  hooks.huge = await createWebhookAt(gateway, at(ports.huge), options);
  hooks.trickle = await createWebhookAt(gateway, at(ports.trickle), options);
  hooks.silent = await createWebhookAt(gateway, at(ports.silent), options);
  hooks.notHttp = await createWebhookAt(gateway, at(ports.notHttp), options);
  hooks.tls = await createWebhookAt(gateway, at(ports.plainForTls, 'https'), options);
  // .invalid never resolves (RFC 6761).
  hooks.dns = await createWebhookAt(gateway, 'http://no-such-receiver.invalid/hook', options);
  hooks.neighbour = await createWebhookAt(gateway, `${receiver.url}/neighbour`, options);
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

type Attempt = { outcome: string; responseStatus: number | null; error: string | null };

async function attemptsOf(webhookId: string): Promise<Attempt[]> {
  const { gateway } = setup;
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': gateway.key },
    body: JSON.stringify({
      query: 'query($id: ID!) { webhook(id: $id) { deliveries(first: 5) { nodes { attempts { outcome responseStatus error } } } } }',
      variables: { id: webhookId },
    }),
  });
  const body = (await response.json()) as { data: { webhook: { deliveries: { nodes: { attempts: Attempt[] }[] } } } };
  return body.data.webhook.deliveries.nodes.flatMap((node) => node.attempts);
}

describe('hostile receivers, each beside an ordinary neighbour (issue 26 item 2)', () => {
  it('ends every hostile attempt with a clear recorded error while the neighbour is served at once', async () => {
    const { gateway, receiver } = setup;
    await publishAtAll(gateway);
    // Served while every hostile attempt is still open: their timeouts have not run yet.
    await receiver.received(1);
    expect((await attemptsOf(hooks.silent)).length).toBe(0);
    expect((await attemptsOf(hooks.trickle)).length).toBe(0);

    const first = async (id: string) => {
      await expect.poll(async () => (await attemptsOf(id)).length, { timeout: 20_000 }).toBeGreaterThan(0);
      return (await attemptsOf(id))[0]!;
    };
    expect(await first(hooks.silent)).toMatchObject({
      outcome: 'TIMED_OUT',
      error: expect.stringContaining(`${TIMEOUT_SECONDS * 1000} ms`),
    });
    expect(await first(hooks.trickle)).toMatchObject({
      outcome: 'TIMED_OUT',
      responseStatus: null,
      error: `no complete response within ${TIMEOUT_SECONDS * 1000} ms`,
    });
    // Read to its end within the timeout; only the first 4 KiB is kept.
    expect(await first(hooks.huge)).toMatchObject({ outcome: 'SUCCEEDED', responseStatus: 200 });
    expect(await first(hooks.notHttp)).toMatchObject({
      outcome: 'CONNECTION_ERROR',
      error: 'the receiver did not answer in HTTP/1.1 (HTTPParserError)',
    });
    expect(await first(hooks.tls)).toMatchObject({ outcome: 'CONNECTION_ERROR', error: expect.stringMatching(/^TLS handshake failed \(/) });
    expect(await first(hooks.dns)).toMatchObject({ outcome: 'CONNECTION_ERROR', error: 'host not found (ENOTFOUND)' });
    expect(await first(hooks.neighbour)).toMatchObject({ outcome: 'SUCCEEDED', responseStatus: 200 });
  }, 60_000);
});

/** One event, which every webhook of this file subscribes to. */
async function publishAtAll(gateway: (typeof setup)['gateway']) {
  const data = await ask(gateway, PublishEvent, {
    input: { topic: 'message.created', payload: { hostile: true }, idempotencyKey: 'hostile-1' },
  });
  expect(data.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 7 });
}
