import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { describe, expect, it } from 'vitest';
import { liveGauges, METRICS_TOKEN } from './helpers/live-gauges.ts';
import { ask, gatewayAndReceiverForThisFile, type GatewayProcess } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { subscribe, wsClient } from './helpers/live.ts';
import { openRawWs } from './helpers/raw-ws.ts';

/*
 * Issue 22 point 4, last clause: a client that stops reading costs bounded memory. It was cut
 * off only once LIVE_BUFFER_SIZE (1,000) updates waited unread in one of its subscriptions, and
 * then `ws` waited its 30 s closing handshake, which a peer that reads nothing never completes;
 * meanwhile every subscription held its queue and the results executed ahead. An SSE response
 * to a reader that stopped was never cut at all. Now a connection whose socket has not drained
 * for LIVE_SLOW_CLIENT_SECONDS (or holds LIVE_SLOW_CLIENT_BYTES) is cut off: WebSocket close 4429
 * "Subscriber too slow", and the socket destroyed a second later.
 */

const SLOW_SECONDS = 2;

/** A distinct document per n, each selecting the event's payload (16 fit the default tenant budget). */
const payloadQuery = (n: number) => `subscription Slow${n} { s${n}: deliveryUpdated { id status event { payload } } }`;
const Statuses = parse('subscription Statuses { deliveryUpdated { id status } }') as TypedDocumentNode<
  { deliveryUpdated: { id: string; status: string } },
  Record<string, never>
>;

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

async function until(what: string, done: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Publishes 200 KB events one after another until `stop` resolves (or `ms` passes), sampling the
 * server's RSS; returns the peak growth and how long it took `stop` to resolve (null: never).
 */
async function publishUntil(gateway: GatewayProcess, stop: Promise<unknown>, ms: number) {
  const pid = gateway.server.child.pid!;
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  const started = Date.now();
  let stoppedAfter: number | null = null;
  // A stop that never comes rejects once the gateway is gone: the assertion on stoppedAfter says so.
  stop.then(() => (stoppedAfter = Date.now() - started)).catch(() => {});
  const text = 'x'.repeat(200_000);
  try {
    for (let i = 0; stoppedAfter === null && Date.now() - started < ms; i++) {
      const published = await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload: { text, i } } });
      expect(published.publishEvent.__typename).toBe('PublishEventSuccess');
    }
  } finally {
    clearInterval(sampler);
  }
  return { growth: peak - before, stoppedAfter: stoppedAfter as number | null };
}

describe('a live client that stops reading', () => {
  const running = gatewayAndReceiverForThisFile('live-slow-client', {
    METRICS_TOKEN,
    LIVE_SLOW_CLIENT_SECONDS: String(SLOW_SECONDS),
  });

  it('over graphql-ws: cut off (4429, socket destroyed) within LIVE_SLOW_CLIENT_SECONDS, memory bounded, while another connection keeps receiving', {
    timeout: 90_000,
  }, async () => {
    const { gateway, receiver } = running;
    const created = await ask(gateway, CreateWebhook, { input: { url: receiver.url, topics: ['message.*'] } });
    expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');

    const reader = wsClient(gateway.url, { apiKey: gateway.key });
    const statuses = subscribe(reader.client, Statuses);
    const slow = await openRawWs(gateway.url);
    await slow.init({ apiKey: gateway.key });
    for (let n = 0; n < 16; n++) slow.send({ id: `s${n}`, type: 'subscribe', payload: { query: payloadQuery(n) } });
    await until('17 subscriptions open', async () => (await liveGauges(gateway)).subscriptions === 17, 10_000);
    // From here on the client reads nothing: the kernel's buffers fill, then the server's.
    (slow.socket as unknown as { _socket: Socket })._socket.pause();

    const cut = until('the slow connection is gone', async () => (await liveGauges(gateway)).connections === 1, 60_000);
    const { growth, stoppedAfter } = await publishUntil(gateway, cut, 25_000);
    // Before: still open 25 s later (cut only after 1,000 unread updates, then a 30 s handshake).
    expect(stoppedAfter).not.toBeNull();
    expect(stoppedAfter!).toBeLessThan((SLOW_SECONDS + 6) * 1000);
    expect(growth).toBeLessThan(300 * 1024 * 1024);
    expect((await liveGauges(gateway)).subscriptions).toBe(1);

    // The reader on its own connection kept receiving throughout, and still does.
    expect(statuses.pending).toBeGreaterThan(0);
    await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload: { last: true } } });
    const seen = new Set<string>();
    while (statuses.pending > 0) seen.add((await statuses.next()).data!.deliveryUpdated.id);
    const next = await statuses.next();
    expect(next.data!.deliveryUpdated.id).toBeTruthy();

    // Reading again, the slow client finds the reason at the end of what was sent before.
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    const closed = await slow.closed;
    expect([4429, 1006]).toContain(closed.code);
    await reader.client.dispose();
    await until('every subscription ended', async () => (await liveGauges(gateway)).subscriptions === 0, 10_000);
  });

  it('over SSE: the response to a reader that stopped is cut off and its subscription ends, memory bounded', {
    timeout: 90_000,
  }, async () => {
    const { gateway } = running;
    await until('no subscription left by another test', async () => (await liveGauges(gateway)).subscriptions === 0, 10_000);
    const base = 0;
    const { hostname, port } = new URL(gateway.url);
    const body = JSON.stringify({ query: payloadQuery(0) });
    // A raw socket that sends the request and never reads the answer past what the kernel takes.
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n` +
        `x-api-key: ${gateway.key}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause();
    await until('the SSE subscription open', async () => (await liveGauges(gateway)).subscriptions === base + 1, 10_000);
    const closed = new Promise((resolve) => socket.once('close', resolve));

    const cut = until('the SSE subscription ended', async () => (await liveGauges(gateway)).subscriptions === base, 60_000);
    const { growth, stoppedAfter } = await publishUntil(gateway, cut, 25_000);
    expect(stoppedAfter).not.toBeNull();
    expect(stoppedAfter!).toBeLessThan((SLOW_SECONDS + 6) * 1000);
    expect(growth).toBeLessThan(300 * 1024 * 1024);
    // The server destroyed the connection: reading again, the client finds its end.
    socket.resume();
    await closed;
  });
});
