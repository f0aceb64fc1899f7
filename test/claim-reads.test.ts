import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaimer } from '../src/delivery/claimer.ts';
import { createWebhookCache, type WebhookCache } from '../src/store/webhook-cache.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { CreateWebhook } from './helpers/documents.ts';

/*
 * A claim is a lease, then reads of the leased deliveries' webhooks and events. When the
 * database goes away between the two (a Postgres restart, test/postgres-restart.test.ts), the
 * leases are committed and no one sends their deliveries: the claimer sends them at its next
 * claim, rather than leaving them to wait out DELIVERY_LEASE_SECONDS.
 */

let gw: TestApp;

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  const created = await gw.data(CreateWebhook, { input: { url: 'https://example.com/claim-reads', topics: ['reads.*'] } });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
});
afterAll(() => gw?.close());

describe('a claim whose reads fail', () => {
  it('hands its leased deliveries to the next claim', async () => {
    const published = await gw.data(PublishEvent, { input: { topic: 'reads.sent', payload: {} } });
    if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(published.publishEvent));
    const cache = createWebhookCache(gw.app.secrets);
    let away = true;
    const flaky: WebhookCache = {
      ...cache,
      byIds: (db, deliveries) => (away ? Promise.reject(new Error('Connection terminated unexpectedly')) : cache.byIds(db, deliveries)),
    };
    const claimer = createClaimer({
      db: gw.app.db,
      webhookCache: flaky,
      clock: { now: () => Date.now() },
      logger: pino({ level: 'silent' }),
      config: { ...gw.app.config.delivery, instanceId: 'claim-reads-test' },
    });

    await expect(claimer.claim(10)).rejects.toThrow('Connection terminated');
    away = false;
    const claimed = await claimer.claim(10);
    expect(claimed.map((c) => c.event.id)).toEqual([published.publishEvent.event.id]);
    expect(claimed[0]!.webhook).toBeDefined();
    // Handed over once: the next claim finds nothing due.
    expect(await claimer.claim(10)).toEqual([]);
  });
});
