import { readFileSync } from 'node:fs';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { healthzWhile } from './helpers/healthz-probe.ts';
import { ask, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { subscribe, wsClient } from './helpers/live.ts';

/*
 * Issue 22 row 6: 300 subscriptions, each a slightly different document selecting
 * `event { payload }`, then 5 events of 256 KB: 46 s to publish, /healthz 14 s, 3.8 GB. Documents
 * that differ share no execution, so each one executed, serialized and wrote every payload for
 * itself. A tenant's open subscriptions are now priced by the payload bytes one update may send
 * (LIVE_TENANT_PAYLOAD_BYTES; 4 MiB here, 16 selections of Event.payload, 16 MiB by default), and a payload is parsed
 * once per event however many documents select it.
 */

type Payloads = { [alias: string]: { id: string; event: { payload: { text: string } } } };
/** A distinct document per n: the alias differs, so nothing is shared between them. */
const payloadDocument = (n: number) =>
  parse(`subscription Payload${n} { d${n}: deliveryUpdated { id event { payload } } }`) as TypedDocumentNode<
    Payloads,
    Record<string, never>
  >;

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('live work bounded per tenant', () => {
  const running = gatewayAndReceiverForThisFile('live-tenant-budget', { LIVE_TENANT_PAYLOAD_BYTES: String(4 * 1024 * 1024) });

  it('300 distinct documents selecting event { payload }: past 4 MiB per tenant they are refused, and 5 events of 256 KB deliver whole, with memory bounded and /healthz answering', {
    timeout: 90_000,
  }, async () => {
    const { gateway, receiver } = running;
    const created = await ask(gateway, CreateWebhook, { input: { url: receiver.url, topics: ['message.*'] } });
    expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');

    const connections = [0, 1, 2].map(() => wsClient(gateway.url, { apiKey: gateway.key }));
    const subscriptions = Array.from({ length: 300 }, (_, n) => subscribe(connections[n % 3]!.client, payloadDocument(n)));
    const firstResults = subscriptions.map((subscription) => subscription.next());
    // A refused one answers at once with its error; an open one only when an update comes.
    const refused: ExecutionResult<Payloads>[] = [];
    for (const result of firstResults) void result.then((r) => r.errors && refused.push(r));
    const deadline = Date.now() + 15_000;
    while (refused.length < 284 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(refused.length).toBe(284);
    expect(refused[0]!.errors![0]).toMatchObject({ extensions: { code: 'SUBSCRIPTION_LIMIT' }, message: expect.stringContaining('4 MiB') });

    const pid = gateway.server.child.pid!;
    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
    const text = 'x'.repeat(250_000);
    let healthz: number[];
    try {
      const publishing = (async () => {
        for (let i = 0; i < 5; i++) {
          const published = await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload: { text, i } } });
          expect(published.publishEvent.__typename).toBe('PublishEventSuccess');
        }
        // Until the updates have gone out: the receiver has all five, and each open subscription one at least.
        await receiver.received(5);
        await Promise.all(firstResults);
      })();
      healthz = (await healthzWhile(gateway.url, publishing, 50)).map((probe) => probe.ms);
    } finally {
      clearInterval(sampler);
    }
    const received = await Promise.all(
      firstResults.map(async (result) => {
        const value = await result;
        return value.errors ? null : value;
      }),
    );
    // Every open subscription gets the payload whole.
    const updates = received.filter((value) => value !== null);
    expect(updates).toHaveLength(16);
    for (const update of updates) {
      const [selection] = Object.values(update!.data!);
      expect(selection!.event.payload.text).toHaveLength(250_000);
    }
    // Before: 14 s with 300 documents. Not yet the 100 ms the issue asks for: each execution still
    // reads the event row (256 KiB) from the database, and /healthz queues its read behind them.
    expect(Math.max(...healthz)).toBeLessThan(5_000);
    expect(peak - before).toBeLessThan(600 * 1024 * 1024);
    for (const connection of connections) await connection.client.dispose();
  });
});
