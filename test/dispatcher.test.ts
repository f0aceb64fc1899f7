import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { getDefaultAutoSelectFamily, setDefaultAutoSelectFamily, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type DeliveryDispatcher, type OutboundRequest } from '../src/delivery/dispatcher.ts';
import type { LookupFunction } from '../src/delivery/guarded-connector.ts';

interface ReceivedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  url: string;
  requests: ReceivedRequest[];
  connections: number;
  /** Resolves with the next request as soon as its body has arrived. */
  nextRequest(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

async function startReceiver(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const waiting: ((request: ReceivedRequest) => void)[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const received = { method: req.method, url: req.url, headers: req.headers, body };
    receiver.requests.push(received);
    for (const resolve of waiting.splice(0)) resolve(received);
    respond(req, res);
  });
  server.on('connection', () => {
    receiver.connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    requests: [],
    connections: 0,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  receivers.push(receiver);
  return receiver;
}

function reply(status: number, body = '', headers: Record<string, string> = {}, afterMs = 0) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    setTimeout(() => {
      res.writeHead(status, headers);
      res.end(body);
    }, afterMs);
  };
}

function post(url: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: 'Bearer SECRET-TOKEN-1234' },
    body: '{"type":"message.created"}',
    timeoutMs: 5_000,
    ...overrides,
  };
}

const loopbackFor =
  (names: Record<string, string>): LookupFunction =>
  async (hostname) => {
    const address = names[hostname];
    if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('dispatcher with private addresses allowed', () => {
  let dispatcher: DeliveryDispatcher;
  beforeAll(() => {
    dispatcher = createDispatcher({
      allowPrivateAddresses: true,
      lookup: loopbackFor({ 'receiver.test': '127.0.0.1' }),
    });
  });
  afterAll(() => dispatcher.close());

  it('posts the body and headers and reports 200 as SUCCEEDED with the response body', async () => {
    const receiver = await startReceiver(reply(200, 'thanks', {}, 60));
    const started = performance.now();
    const result = await dispatcher.send(post(receiver.url));
    const wall = performance.now() - started;
    expect(result).toMatchObject({
      outcome: 'SUCCEEDED',
      responseStatus: 200,
      responseBody: 'thanks',
      error: null,
      retryAfterMs: null,
    });
    // The receiver answered 60 ms after the request came: the attempt took at least that, and no longer than the call.
    expect(result.durationMs).toBeGreaterThanOrEqual(59);
    expect(result.durationMs).toBeLessThanOrEqual(Math.ceil(wall));
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      url: '/hook',
      body: '{"type":"message.created"}',
      headers: { 'content-type': 'application/json', authorization: 'Bearer SECRET-TOKEN-1234' },
    });
  });

  it('keeps connections alive between attempts', async () => {
    const receiver = await startReceiver(reply(204));
    for (let i = 0; i < 3; i++) await dispatcher.send(post(receiver.url));
    expect(receiver.requests).toHaveLength(3);
    // undici's pool may open a second socket when the next request comes in the same tick the
    // previous body ended, before the first socket is marked idle; after that it is reused.
    expect(receiver.connections).toBeLessThan(3);
  });

  it('reports 500 as HTTP_ERROR', async () => {
    const receiver = await startReceiver(reply(500, 'boom'));
    const result = await dispatcher.send(post(receiver.url));
    expect(result).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'boom', error: 'HTTP 500' });
  });

  it('does not follow redirects', async () => {
    const target = await startReceiver(reply(200));
    const redirecting = await startReceiver(reply(302, '', { location: target.url }));
    const result = await dispatcher.send(post(redirecting.url));
    expect(result).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 302 });
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
    expect(target.connections).toBe(0);
  });

  it('times out a receiver that never answers', async () => {
    const receiver = await startReceiver(() => {});
    const result = await dispatcher.send(post(receiver.url, { timeoutMs: 300 }));
    expect(result).toMatchObject({ outcome: 'TIMED_OUT', responseStatus: null, responseBody: null });
    expect(result.error).toContain('300 ms');
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out a receiver that stalls in the middle of its body', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await dispatcher.send(post(receiver.url, { timeoutMs: 300 }));
    expect(result).toMatchObject({ outcome: 'TIMED_OUT', responseStatus: 200, responseBody: null });
  });

  it('reports a closed port as CONNECTION_ERROR without leaking header values', async () => {
    const receiver = await startReceiver(reply(200));
    const { url } = receiver;
    await receiver.close();
    const result = await dispatcher.send(post(url));
    expect(result).toMatchObject({ outcome: 'CONNECTION_ERROR', responseStatus: null, responseBody: null });
    expect(result.error).toBe('connection refused (ECONNREFUSED)');
    expect(JSON.stringify(result)).not.toContain('SECRET-TOKEN');
  });

  it('reports a DNS failure as CONNECTION_ERROR', async () => {
    const result = await dispatcher.send(post('http://unknown.test/hook'));
    expect(result).toMatchObject({ outcome: 'CONNECTION_ERROR', error: 'host not found (ENOTFOUND)' });
  });

  it('reports a failed TLS handshake as CONNECTION_ERROR', async () => {
    const receiver = await startReceiver(reply(200));
    const result = await dispatcher.send(post(`https://127.0.0.1:${receiver.port}/hook`));
    expect(result.outcome).toBe('CONNECTION_ERROR');
    expect(result.error).toMatch(/^TLS handshake failed \(/);
  });

  it('keeps exactly the first 4 KiB of a large body', async () => {
    const receiver = await startReceiver(reply(200, 'x'.repeat(10 * 1024)));
    const result = await dispatcher.send(post(receiver.url));
    expect(result.outcome).toBe('SUCCEEDED');
    expect(Buffer.byteLength(result.responseBody ?? '')).toBe(4096);
  });

  it('reports Retry-After, on 429 and on any other status (the outcome rules decide which count)', async () => {
    for (const status of [429, 500]) {
      const receiver = await startReceiver(reply(status, '', { 'retry-after': '7' }));
      const result = await dispatcher.send(post(receiver.url));
      expect(result).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: status, retryAfterMs: 7000 });
    }
    const without = await startReceiver(reply(429, ''));
    expect((await dispatcher.send(post(without.url))).retryAfterMs).toBeNull();
  });

  it('reaches a hostname that the injected lookup maps to loopback', async () => {
    const receiver = await startReceiver(reply(200, 'ok'));
    const result = await dispatcher.send(post(`http://receiver.test:${receiver.port}/hook`));
    expect(result).toMatchObject({ outcome: 'SUCCEEDED', responseBody: 'ok' });
    expect(receiver.requests[0]?.headers.host).toBe(`receiver.test:${receiver.port}`);
  });
});

describe('dispatcher with the address guard on', () => {
  let dispatcher: DeliveryDispatcher;
  beforeAll(() => {
    dispatcher = createDispatcher({
      allowPrivateAddresses: false,
      lookup: loopbackFor({ 'rebind.test': '127.0.0.1', 'mapped.test': '::ffff:127.0.0.1' }),
    });
  });
  afterAll(() => dispatcher.close());

  const blockedUrls: [string, (port: number) => string][] = [
    ['an IPv4 loopback literal', (port) => `http://127.0.0.1:${port}/hook`],
    ['localhost', (port) => `http://localhost:${port}/hook`],
    ['an IPv4-mapped IPv6 literal', (port) => `http://[::ffff:127.0.0.1]:${port}/hook`],
    ['a hostname resolving to loopback (DNS rebinding)', (port) => `http://rebind.test:${port}/hook`],
    ['a hostname resolving to an IPv4-mapped loopback address', (port) => `http://mapped.test:${port}/hook`],
  ];

  it.each(blockedUrls)('blocks %s before any connection is made', async (_name, urlFor) => {
    const receiver = await startReceiver(reply(200));
    const result = await dispatcher.send(post(urlFor(receiver.port)));
    expect(result).toMatchObject({ outcome: 'BLOCKED', responseStatus: null, responseBody: null, retryAfterMs: null });
    expect(result.error).toContain('forbidden');
    expect(receiver.requests).toHaveLength(0);
    expect(receiver.connections).toBe(0);
  });
});

// Node asks `lookup` for every address when it races families (autoSelectFamily, on by
// default) and for a single one otherwise; the guard must hold and deliver in both modes.
describe('dispatcher when Node asks for a single address', () => {
  const previous = getDefaultAutoSelectFamily();
  const lookup = loopbackFor({ 'rebind.test': '127.0.0.1', 'receiver.test': '127.0.0.1' });
  let guarded: DeliveryDispatcher;
  let open: DeliveryDispatcher;
  beforeAll(() => {
    setDefaultAutoSelectFamily(false);
    guarded = createDispatcher({ allowPrivateAddresses: false, lookup });
    open = createDispatcher({ allowPrivateAddresses: true, lookup });
  });
  afterAll(async () => {
    setDefaultAutoSelectFamily(previous);
    await Promise.all([guarded.close(), open.close()]);
  });

  it('still blocks a hostname resolving to loopback', async () => {
    const receiver = await startReceiver(reply(200));
    const result = await guarded.send(post(`http://rebind.test:${receiver.port}/hook`));
    expect(result.outcome).toBe('BLOCKED');
    expect(receiver.connections).toBe(0);
  });

  it('still delivers when private addresses are allowed', async () => {
    const receiver = await startReceiver(reply(200, 'ok'));
    const result = await open.send(post(`http://receiver.test:${receiver.port}/hook`));
    expect(result).toMatchObject({ outcome: 'SUCCEEDED', responseBody: 'ok' });
  });
});
