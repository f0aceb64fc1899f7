import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createClaimer } from '../src/delivery/claimer.ts';
import { readQueueState } from '../src/metrics/queue.ts';
import { createWebhookCache } from '../src/store/webhook-cache.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * "Due" is one rule (store/due.ts) read three ways: the claim, the worker's "anything left?"
 * (claimer.anyDue, which ends settle), and the queue gauges. On a database holding a paused
 * webhook, a rate-capped webhook with no room left and a normal one, all three see the same
 * deliveries: the paused and the rate-capped ones wait, the normal one's are due, and so is one
 * leased by a holder that stopped beating.
 */

let gw: TestApp;
const webhookIds: Record<'normal' | 'paused' | 'capped', string> = { normal: '', paused: '', capped: '' };

async function createWebhook(name: string, rateLimitPerSecond: number | null): Promise<string> {
  const created = await gw.data(CreateWebhook, {
    input: { url: `https://example.com/${name}`, topics: [`due.${name}`], rateLimitPerSecond },
  });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
  return created.createWebhook.webhook.id;
}

const publish = (name: string) => gw.data(PublishEvent, { input: { topic: `due.${name}`, payload: {} } });

beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
  for (const name of ['normal', 'paused', 'capped'] as const) webhookIds[name] = await createWebhook(name, name === 'capped' ? 1 : null);
  await gw.app.db.updateTable('webhooks').set({ paused_at: Date.now() }).where('id', '=', webhookIds.paused).execute();
  await publish('paused');
  await publish('capped');
});
afterAll(() => gw?.close());

function claimerAt(now: number) {
  const config = { ...gw.app.config.delivery, instanceId: 'queue-due-test' };
  return createClaimer({
    db: gw.app.db,
    webhookCache: createWebhookCache(gw.app.secrets),
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    config,
  });
}

/** The capped webhook used its one attempt of this second. */
async function useCappedRoom(now: number) {
  const recent = JSON.stringify([now]);
  await gw.app.db
    .insertInto('endpoint_rates')
    .values({ webhook_id: webhookIds.capped, recent })
    .onConflict((conflict) => conflict.column('webhook_id').doUpdateSet({ recent }))
    .execute();
}

const gauges = (now: number) => readQueueState(gw.app.db, now, gw.app.config.delivery.deadAfterMs);

describe('what is due', () => {
  it('a paused webhook and a rate-capped one without room: nothing due, to the claim, anyDue and the gauges alike', async () => {
    const now = Date.now() + 1_000;
    await useCappedRoom(now);
    const claimer = claimerAt(now);
    expect(await claimer.anyDue()).toBe(false);
    expect((await gauges(now)).dueNow).toBe(0);
    expect(await claimer.claim(10)).toEqual([]);
    await claimer.retire();
  });

  it("a normal webhook's deliveries, and one whose holder stopped beating: due to all three", async () => {
    await publish('normal');
    const orphaned = (await publish('normal')).publishEvent;
    if (orphaned.__typename !== 'PublishEventSuccess') throw new Error(orphaned.__typename);
    const now = Date.now() + 1_000;
    // Leased for another minute by a holder with no heartbeat at all: the claim may take it now.
    await gw.app.db
      .updateTable('deliveries')
      .set({ locked_until: now + 60_000, locked_by: 'gone#00000000' })
      .where('id', '=', orphaned.event.deliveries[0]!.id)
      .execute();
    await useCappedRoom(now);
    const claimer = claimerAt(now);
    expect(await claimer.anyDue()).toBe(true);
    const state = await gauges(now);
    expect(state.dueNow).toBe(2);
    const claimed = await claimer.claim(10);
    expect(claimed.map((c) => c.delivery.webhook_id)).toEqual([webhookIds.normal, webhookIds.normal]);
    expect(await claimer.anyDue()).toBe(false);
    expect((await gauges(now)).dueNow).toBe(0);
    await claimer.retire();
  });
});
