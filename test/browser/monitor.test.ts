import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.ts';
import { PublishEvent } from '../helpers/delivery-documents.ts';
import { CreateWebhook, GetWebhook } from '../helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { spawnScript } from '../helpers/process.ts';
import { publishOpenLoop } from '../helpers/open-loop.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { launchChromium, storedText, type Browser } from './chromium.ts';

// The delivery monitor at `/` as an operator uses it: the real server process, Chromium with no
// way off 127.0.0.1, events published from outside over HTTP while the page watches.

let gateway: GatewayProcess;
let receiver: Receiver;
let browser: Browser;
let dir: string;
let origin: string;
const keys = { read: '', otherTenant: '' };
const hooks = { orders: '', billing: '', broken: '' };

async function mintKey(tenant: string, scopes: string): Promise<string> {
  const script = spawnScript('src/scripts/keys.ts', ['create', '--tenant', tenant, '--scopes', scopes], {
    DATABASE_PATH: join(dir, 'gateway.db'),
  });
  expect(await script.exited).toBe(0);
  return script.lines.at(-1)!.trim();
}

async function createWebhook(name: string, path: string, topics: string[]): Promise<string> {
  const data = await ask(gateway, CreateWebhook, {
    input: { name, url: `${receiver.url}${path}`, topics, retryPolicy: { maxRetries: 0 } },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

async function publish(topic: string, n: number): Promise<string> {
  const data = await ask(gateway, PublishEvent, { input: { topic, payload: { n, text: `hello ${n}` } } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
  return data.publishEvent.event.id;
}

/** Opens the monitor (or changes its key) and waits for the page to accept or refuse it. */
async function useKey(page: Page, key: string) {
  if (await page.getByRole('button', { name: 'Change key' }).isVisible()) await page.getByRole('button', { name: 'Change key' }).click();
  else await page.goto(`${origin}/`);
  await page.locator('#api-key').fill(key);
  await page.getByRole('button', { name: 'Watch' }).click();
  await page.locator('[data-testid="tenant"], [data-testid="key-error"]').first().waitFor({ timeout: 10_000 });
  // The feed shows attempts made once it is live, none from before: wait for it before publishing.
  if (await page.locator('[data-testid="tenant"]').isVisible())
    await page.locator('[data-testid="feed-live"][data-live="true"]').waitFor({ timeout: 10_000 });
}

const RecoverableDeliveries = graphql(`
  query MonitorTestRecoverable($id: ID!) {
    webhook(id: $id) { deliveries(first: 10) { nodes { status event { id } attempts { trigger } } } }
  }
`);

const feedRows = (page: Page) => page.locator('[data-testid="feed-rows"] tr');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-monitor-'));
  receiver = await startReceiver();
  receiver.reply((request) => (request.path.startsWith('/fail') ? { status: 500, body: 'endpoint down' } : { status: 200, body: 'ok' }));
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), AUTO_DISABLE_AFTER_FAILURES: '3' });
  origin = new URL(gateway.url).origin;
  hooks.orders = await createWebhook('orders', '/orders', ['message.*']);
  hooks.billing = await createWebhook('billing', '/billing', ['message.*']);
  hooks.broken = await createWebhook('broken endpoint', '/fail', ['workflow.*']);
  keys.read = await mintKey('default', 'WEBHOOKS_READ');
  keys.otherTenant = await mintKey('other', 'ADMIN');
  browser = await launchChromium();
  await browser.page.setViewportSize({ width: 1280, height: 800 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

describe('the delivery monitor in Chromium', () => {
  it('lists the webhooks for a WEBHOOKS_READ key, with nothing loaded from off 127.0.0.1', async () => {
    const { page } = browser;
    await page.goto(`${origin}/`);
    await browser.screenshot('monitor-1-key-prompt');
    await useKey(page, keys.read);
    await expect.poll(() => page.locator('[data-testid="webhook"]').count()).toBe(3);
    const list = await page.locator('.webhooks').innerText();
    for (const name of ['orders', 'billing', 'broken endpoint']) expect(list).toContain(name);
    expect(await page.locator('[data-testid="tenant"]').innerText()).toMatch(/Tenant default · WEBHOOKS_READ/);
    expect(browser.blocked).toEqual([]);
  });

  it('shows an event published from outside in the feed within a second of its attempt', async () => {
    const { page } = browser;
    const before = receiver.requests.length;
    const eventId = await publish('message.created', 1);
    await receiver.received(before + 2);
    // The attempts were made; the feed must show them within a second (bounded wait, not a timing).
    await page.locator(`[data-testid="feed-rows"] tr[data-event="${eventId}"]`).first().waitFor({ timeout: 1_000 });
    await expect.poll(() => page.locator(`[data-testid="feed-rows"] tr[data-event="${eventId}"]`).count(), { timeout: 5_000 }).toBe(2);
  });

  it("filters the feed to one webhook's attempts while the other delivers too", async () => {
    const { page } = browser;
    await page.locator('[data-testid="filter-webhook"]').selectOption(hooks.orders);
    const before = receiver.requests.length;
    const events: string[] = [];
    for (let n = 0; n < 5; n++) events.push(await publish('message.created', 100 + n));
    const received = await receiver.received(before + 10);
    expect(received.slice(before).filter((r) => r.path === '/billing')).toHaveLength(5);
    // Every attempt of this window reached the page: the unfiltered rows prove billing's were there.
    await expect
      .poll(() => page.locator(`[data-testid="feed-rows"] tr[data-event="${events.at(-1)}"]`).count(), { timeout: 5_000 })
      .toBe(1);
    const shown = await feedRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-webhook')));
    expect(shown.length).toBeGreaterThanOrEqual(6);
    expect(new Set(shown)).toEqual(new Set([hooks.orders]));
    await page.locator('[data-testid="filter-webhook"]').selectOption('');
    const all = await feedRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-webhook')));
    expect(all.filter((id) => id === hooks.billing).length).toBeGreaterThanOrEqual(6);
  });

  it('pauses the feed and shows what arrived meanwhile on resume', async () => {
    const { page } = browser;
    await page.locator('[data-testid="feed-pause"]').click();
    const before = receiver.requests.length;
    const eventId = await publish('message.created', 500);
    await receiver.received(before + 2);
    const rows = page.locator(`[data-testid="feed-rows"] tr[data-event="${eventId}"]`);
    // The page has the attempts (the button counts them) but holds the list still.
    await expect.poll(() => page.locator('[data-testid="feed-pause"]').innerText(), { timeout: 5_000 }).toBe('Resume (2 new)');
    expect(await rows.count()).toBe(0);
    await page.locator('[data-testid="feed-pause"]').click();
    await expect.poll(() => rows.count(), { timeout: 1_000 }).toBe(2);
  });

  it('keeps the list bounded and the page responsive through a burst of attempts', async () => {
    const { page } = browser;
    const before = receiver.requests.length;
    const events: string[] = [];
    for (let batch = 0; batch < 12; batch++) {
      events.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => publish('message.created', 1000 + batch * 10 + i)))));
    }
    await receiver.received(before + 240);
    await page
      .locator(`[data-testid="feed-rows"] tr[data-event="${events.at(-1)}"]`)
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await feedRows(page).count()).toBe(200);
    // The page still answers input at once after the burst.
    await page.locator('[data-testid="filter-outcome"]').selectOption('HTTP_ERROR', { timeout: 1_000 });
    await page.locator('[data-testid="filter-outcome"]').selectOption('', { timeout: 1_000 });
  });

  it('shows a failing endpoint failing, then the reason it was disabled', async () => {
    const { page } = browser;
    await page.locator('[data-testid="filter-webhook"]').selectOption(hooks.broken);
    for (let n = 0; n < 3; n++) await publish('workflow.created', n);
    await expect.poll(() => page.locator('[data-testid="feed-rows"] tr[data-outcome="HTTP_ERROR"]').count(), { timeout: 10_000 }).toBe(3);
    const broken = page.locator(`[data-testid="webhook"][data-id="${hooks.broken}"]`);
    await expect.poll(() => broken.locator('[data-testid="webhook-state"]').innerText(), { timeout: 10_000 }).toBe('disabled');
    expect(await broken.locator('[data-testid="disabled-reason"]').innerText()).toMatch(/fail/i);
    expect(await broken.locator('[data-testid="failure-run"]').innerText()).toBe('3');
    await page.locator('[data-testid="filter-webhook"]').selectOption('');
  });

  it('says which scope an action needs, and redeliver adds a MANUAL attempt', async () => {
    const { page } = browser;
    // A read key may watch but not act: the page names the scope.
    const orders = page.locator(`[data-testid="webhook"][data-id="${hooks.orders}"]`);
    await orders.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => orders.locator('[data-testid="webhook-notice"]').innerText()).toMatch(/WEBHOOKS_WRITE/);

    await useKey(page, gateway.key);
    // A fresh session has an empty feed: make one attempt to open, once the feed is live.
    const eventId = await publish('message.created', 999);
    const row = page.locator(`[data-testid="feed-rows"] tr[data-event="${eventId}"][data-webhook="${hooks.orders}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    const attempts = page.locator('[data-testid="delivery-attempts"] li');
    await expect.poll(() => attempts.count(), { timeout: 5_000 }).toBe(1);
    expect(await page.locator('[data-testid="delivery"]').innerText()).toContain('"text": "hello 999"');
    // The headers that attempt really sent, as recorded: the signature redacted, the event id as it went out.
    const sent = page.locator('[data-testid="attempt-headers"]').first();
    await sent.locator('summary').click();
    expect(await sent.locator('.headers').innerText()).toMatch(/webhook-signature\s+\[redacted\]/);
    expect(await sent.locator('.headers').innerText()).toMatch(new RegExp(`webhook-id\\s+${eventId}`));
    await page.locator('[data-testid="redeliver"]').click();
    await expect
      .poll(() => page.locator('[data-testid="delivery-attempts"] li[data-trigger="MANUAL"]').count(), { timeout: 10_000 })
      .toBe(1);
    await browser.screenshot('monitor-3-delivery-1280');
    await page.getByRole('button', { name: '← Monitor' }).click();
  });

  it('disables and enables a webhook: the API agrees, and a disabled one is sent nothing', async () => {
    const { page } = browser;
    const billing = page.locator(`[data-testid="webhook"][data-id="${hooks.billing}"]`);
    const state = () => billing.locator('[data-testid="webhook-state"]').innerText();
    const enabledInApi = async () => (await ask(gateway, GetWebhook, { id: hooks.billing })).webhook?.enabled;
    await billing.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(state, { timeout: 5_000 }).toBe('disabled');
    expect(await enabledInApi()).toBe(false);
    // While disabled, an event reaches orders and nothing reaches billing.
    const toBilling = () => receiver.requests.filter((request) => request.path === '/billing').length;
    const billingBefore = toBilling();
    const ordersBefore = receiver.requests.filter((request) => request.path === '/orders').length;
    await publish('message.created', 3000);
    await expect
      .poll(() => receiver.requests.filter((request) => request.path === '/orders').length, { timeout: 5_000 })
      .toBe(ordersBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(toBilling()).toBe(billingBefore);
    await browser.screenshot('monitor-5-disabled-1280');

    await billing.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(state, { timeout: 5_000 }).toBe('enabled');
    expect(await enabledInApi()).toBe(true);
    await publish('message.created', 3001);
    await expect.poll(toBilling, { timeout: 5_000 }).toBe(billingBefore + 1);

    // A read key sees the action refused with the scope it needs, and nothing changes.
    await useKey(page, keys.read);
    await billing.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => billing.locator('[data-testid="webhook-notice"]').innerText()).toMatch(/WEBHOOKS_WRITE/);
    expect(await enabledInApi()).toBe(true);
    await useKey(page, gateway.key);
  });

  it('fits a chart at 1280x800 and at 390x844 (a phone) without sideways scrolling, with screenshots', async () => {
    const { page } = browser;
    await page.locator(`[data-testid="webhook"][data-id="${hooks.orders}"] button.name`).click();
    const chart = page.locator('[data-testid="activity-chart"] svg');
    await chart.locator('rect').first().waitFor({ timeout: 5_000 });
    const fits = async (width: number) => {
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    };
    await fits(1280);
    await browser.screenshot('monitor-2-overview-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await fits(390);
    await browser.screenshot('monitor-2-overview-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('counts failed deliveries exactly with a dry run before confirming; cancel sends nothing, confirm adds MANUAL attempts', async () => {
    const { page } = browser;
    const path = '/fail-recoverable';
    const recoverable = await createWebhook('recoverable', path, ['billing.*']);
    const events = [await publish('billing.created', 1), await publish('billing.created', 2)];
    const failed = async () => (await ask(gateway, RecoverableDeliveries, { id: recoverable })).webhook?.deliveries.nodes ?? [];
    await expect.poll(async () => (await failed()).filter((d) => d.status === 'FAILED').length, { timeout: 10_000 }).toBe(2);
    const sent = () => receiver.requests.filter((request) => request.path === path).length;
    expect(sent()).toBe(2);
    // The endpoint is back: what is resent now succeeds.
    receiver.reply((request) =>
      request.path.startsWith('/fail') && request.path !== path ? { status: 500, body: 'endpoint down' } : { status: 200, body: 'ok' },
    );

    await useKey(page, gateway.key);
    const hook = page.locator(`[data-testid="webhook"][data-id="${recoverable}"]`);
    await hook.locator('button.name').click();
    await hook.locator('[data-testid="recover-count"]').click();
    await expect.poll(() => hook.locator('[data-testid="recover-counted"]').innerText(), { timeout: 5_000 }).toBe('2 failed deliveries');
    await browser.screenshot('monitor-5-recover-confirm-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await hook.locator('[data-testid="recover-confirm"]').scrollIntoViewIfNeeded();
    await browser.screenshot('monitor-5-recover-confirm-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Cancel: the question goes away and nothing is resent, over a window in which a queued
    // delivery would have been sent (the worker polls every second and is woken at once).
    await hook.locator('[data-testid="recover-cancel"]').click();
    await hook.locator('[data-testid="recover-count"]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(sent()).toBe(2);
    expect((await failed()).map((d) => d.attempts.map((a) => a.trigger))).toEqual([['SCHEDULED'], ['SCHEDULED']]);

    // Count again and confirm: exactly those two get a MANUAL attempt.
    await hook.locator('[data-testid="recover-count"]').click();
    await hook.locator('[data-testid="recover-confirm"]').click();
    await expect
      .poll(() => hook.locator('[data-testid="webhook-notice"]').innerText(), { timeout: 5_000 })
      .toBe('Recovery queued: 2 deliveries');
    await expect.poll(async () => (await failed()).map((d) => d.status), { timeout: 10_000 }).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const after = await failed();
    expect(after.map((d) => d.attempts.map((a) => a.trigger))).toEqual([
      ['SCHEDULED', 'MANUAL'],
      ['SCHEDULED', 'MANUAL'],
    ]);
    expect(after.map((d) => d.event.id).sort()).toEqual([...events].sort());
    expect(sent()).toBe(4);
    await browser.screenshot('monitor-6-recovered-1280');
  });

  it('refuses a bad key with a clear message', async () => {
    const { page } = browser;
    await useKey(page, 'whgw_not_a_real_key');
    expect(await page.locator('[data-testid="key-error"]').innerText()).toMatch(/not accepted/);
    await browser.screenshot('monitor-4-bad-key');
  });

  it('keeps up with attempts offered at 1,000/s for 6 s: the list stays bounded and Pause answers throughout', async () => {
    const { page } = browser;
    const key = await mintKey('busy', 'ADMIN');
    const busy = { url: gateway.url, key };
    for (let i = 0; i < 10; i++) {
      const data = await ask(busy, CreateWebhook, { input: { name: `busy-${i}`, url: `${receiver.url}/busy/${i}`, topics: ['busy.*'] } });
      expect(data.createWebhook.__typename).toBe('CreateWebhookSuccess');
    }
    // What the page's own socket receives: every attempt, none twice, and no close on the way.
    const attemptIds: string[] = [];
    let socketsClosed = 0;
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        const id = (JSON.parse(String(payload)) as { payload?: { data?: { deliveryAttempts?: { id: string } } } }).payload?.data
          ?.deliveryAttempts?.id;
        if (id) attemptIds.push(id);
      });
      socket.on('close', () => socketsClosed++);
    });
    await useKey(page, key);
    await page.evaluate(() => {
      const worst = { ms: 0 };
      (window as unknown as { worstTask: typeof worst }).worstTask = worst;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) worst.ms = Math.max(worst.ms, entry.duration);
      }).observe({
        type: 'longtask',
      });
    });
    // Open loop: an event every 10 ms for 6 s, each to 10 webhooks, whatever the answers' pace.
    const toBusy = () => receiver.requests.filter((request) => request.path.startsWith('/busy/')).length;
    const events = 600;
    const started = Date.now();
    const publishing = publishOpenLoop(busy, 'busy.tick', events, 10);
    // While attempts stream in, the list never grows past its bound and Pause/Resume take effect.
    const pause = page.locator('[data-testid="feed-pause"]');
    let checks = 0;
    while (toBusy() < events * 10 && checks < 200) {
      expect(await feedRows(page).count()).toBeLessThanOrEqual(200);
      await pause.click({ timeout: 5_000 });
      await expect.poll(() => pause.innerText(), { timeout: 5_000 }).toMatch(/^Resume/);
      await pause.click({ timeout: 5_000 });
      await expect.poll(() => pause.innerText(), { timeout: 5_000 }).toBe('Pause');
      checks++;
    }
    await publishing;
    await receiver.received(receiver.requests.length + events * 10 - toBusy());
    const seconds = (Date.now() - started) / 1000;
    await expect.poll(() => feedRows(page).count(), { timeout: 10_000 }).toBe(200);
    await expect.poll(() => attemptIds.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(events * 10);
    expect(new Set(attemptIds).size).toBe(attemptIds.length);
    expect(socketsClosed).toBe(0);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    const worst = await page.evaluate(() => (window as unknown as { worstTask: { ms: number } }).worstTask.ms);
    console.info(
      `sustained feed: ${events * 10} attempts in ${seconds.toFixed(1)} s (${Math.round((events * 10) / seconds)}/s), ${checks} pause/resume rounds, worst long task ${Math.round(worst)} ms`,
    );
    expect(checks).toBeGreaterThan(0);
    await browser.screenshot('monitor-6-sustained-1280');
  });

  it('pages through more webhooks than one page holds', async () => {
    const { page } = browser;
    const key = await mintKey('many', 'ADMIN');
    const names = Array.from({ length: 30 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      const data = await ask({ url: gateway.url, key }, CreateWebhook, {
        input: { name, url: `${receiver.url}/many/${name}`, topics: ['many.*'] },
      });
      expect(data.createWebhook.__typename).toBe('CreateWebhookSuccess');
    }
    await useKey(page, key);
    const rows = page.locator('[data-testid="webhook"]');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(25);
    expect(await page.locator('[data-testid="webhook-count"]').innerText()).toBe('25 of 30');
    await page.getByRole('button', { name: /Show more/ }).click();
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(30);
    expect(await page.locator('[data-testid="webhook-count"]').innerText()).toBe('30');
    expect(await page.getByRole('button', { name: /Show more/ }).count()).toBe(0);
    const shown = await rows.locator('button.name').allInnerTexts();
    expect([...shown].sort()).toEqual(names);
  });

  it('shows a delivery WAITING and names the delivery of its ordering key being attempted', async () => {
    const { page } = browser;
    await useKey(page, gateway.key);
    // This endpoint never answers: the key's first delivery stays in flight while the second waits.
    receiver.reply((request) => (request.path === '/hang' ? { hang: true } : { status: 200, body: 'ok' }));
    const lined = await createWebhook('lined', '/hang', ['line.*']);
    const keyed = async (n: number) => {
      const data = await ask(gateway, PublishEvent, { input: { topic: 'line.updated', payload: { n }, orderingKey: 'conversation-7' } });
      if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
      return data.publishEvent.event.deliveries.find((delivery) => delivery.webhookId === lined)!.id;
    };
    const first = await keyed(1);
    await expect.poll(() => receiver.requests.some((request) => request.path === '/hang'), { timeout: 5_000 }).toBe(true);
    const second = await keyed(2);
    await page.evaluate((id) => (location.hash = `#/deliveries/${id}`), second);
    await expect.poll(() => page.locator('[data-testid="delivery-status"]').innerText(), { timeout: 5_000 }).toBe('WAITING');
    const waiting = page.locator('[data-testid="delivery-waiting"]');
    expect(await waiting.innerText()).toContain(first);
    expect(await page.locator('[data-testid="delivery"]').innerText()).toContain('ordering key conversation-7');
    await browser.screenshot('monitor-6-waiting-1280');
    await page.getByRole('button', { name: '← Monitor' }).click();
  });

  it("shows another tenant's key nothing of the first tenant", async () => {
    const { page } = browser;
    await useKey(page, keys.otherTenant);
    await expect.poll(() => page.locator('[data-testid="tenant"]').innerText()).toMatch(/Tenant other/);
    await page.getByText('No webhooks for this tenant yet.').waitFor({ timeout: 5_000 });
    const before = receiver.requests.length;
    const eventId = await publish('message.created', 2000);
    await receiver.received(before + 2);
    // The first tenant's attempts were recorded and announced; give the page the same second.
    await expect(page.locator(`[data-testid="feed-rows"] tr[data-event="${eventId}"]`).waitFor({ timeout: 1_000 })).rejects.toThrow();
    expect(await feedRows(page).count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toMatch(/orders|billing|broken endpoint/);
  });

  it('keeps the key out of every URL and out of storage beyond the tab', async () => {
    const all = [gateway.key, keys.read, keys.otherTenant];
    for (const url of browser.requests) for (const key of all) expect(url).not.toContain(key);
    const stored = JSON.parse(await storedText(browser.page)) as { local: object; session: Record<string, string>; cookie: string };
    expect(stored.local).toEqual({});
    expect(stored.cookie).toBe('');
    expect(Object.values(stored.session)).toEqual([keys.otherTenant]);
  });
});
