import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, localResourceCode } from '../src/delivery/attempt-error.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock } from './helpers/clock.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent, WebhookDeliveries } from './helpers/delivery-documents.ts';

/*
 * Issue 22 row 7: with the process out of file descriptors, every tenant's deliveries failed
 * with EMFILE, counted as the receivers' failures until their webhooks were auto-disabled.
 * A local resource error says nothing about the receiver: the delivery is put back, no attempt
 * is recorded, no failure counted.
 */

const AUTO_DISABLE_AFTER = 3;
const clock = fakeClock(Date.now());
let gw: TestApp;

/** What connect() sees when the process has no descriptor left. */
const emfile = () => Object.assign(new Error('connect EMFILE: too many open files'), { code: 'EMFILE', errno: -24, syscall: 'connect' });

beforeAll(async () => {
  // On this thread: settle() drives the worker, whose DNS lookup fails with EMFILE.
  gw = await startTestApp(
    { AUTO_DISABLE_AFTER_FAILURES: String(AUTO_DISABLE_AFTER), DELIVERY_WORKERS: '0' },
    { clock, random: () => 0.5, startWorker: false, lookup: async () => Promise.reject(emfile()) },
  );
});
afterAll(() => gw?.close());

describe('a delivery attempt that fails for want of local resources (EMFILE)', () => {
  it('is not recorded as the receiver failing, never counts toward auto-disable, and the delivery is tried again', async () => {
    const created = await gw.data(CreateWebhook, { input: { url: 'https://receiver.example.com/hook', topics: ['local.error'] } });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
    const id = created.createWebhook.webhook.id;
    await gw.data(PublishEvent, { input: { topic: 'local.error', payload: { n: 1 } } });
    let tries = 0;
    for (let round = 0; round < AUTO_DISABLE_AFTER * 3; round++) {
      const before = gw.logs.length;
      await gw.app.worker.settle();
      tries += gw.logs.slice(before).filter((line) => line.includes('EMFILE')).length;
      clock.advance(60_000);
    }
    const { webhook } = await gw.data(WebhookDeliveries, { id });
    expect(webhook).toMatchObject({ enabled: true, disabledReason: null, stats: { attempts: 0, failed: 0, consecutiveFailures: 0 } });
    expect(webhook!.deliveries.nodes).toMatchObject([{ status: 'PENDING', attemptCount: 0 }]);
    // ... and it was tried again each round (each try logged), not left to its lease.
    expect(tries).toBeGreaterThan(AUTO_DISABLE_AFTER);
  });
});

describe('which errors are local', () => {
  const coded = (code: string, cause?: unknown) => Object.assign(new Error(`failed (${code})`), { code, cause });
  it.each(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS', 'EADDRNOTAVAIL'])('%s is local, also under a wrapper with its own code', (code) => {
    expect(localResourceCode(coded(code))).toBe(code);
    expect(localResourceCode(coded('UND_ERR_SOCKET', coded(code)))).toBe(code);
  });
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    "%s is the receiver's (or the network's)",
    (code) => {
      expect(localResourceCode(coded(code))).toBeNull();
      expect(describeFailure(coded(code)).outcome).not.toBe('SUCCEEDED');
    },
  );
  it('an error without a code is not local', () => {
    expect(localResourceCode(new Error('boom'))).toBeNull();
    expect(localResourceCode(null)).toBeNull();
  });
});
