import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookAt, killGatewayProcesses, publishAt, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { launchChromium, storedText, type Browser } from './chromium.ts';

// GraphiQL as a person uses it: the real server process (`npm start`), Chromium with no way
// off 127.0.0.1, the key typed once, Docs, a query, and a live subscription fed from outside.

let gateway: GatewayProcess;
let receiver: Receiver;
let browser: Browser | undefined;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-graphiql-'));
  [gateway, receiver] = await Promise.all([startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') }), startReceiver()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces the text of the active tab's query editor (monaco) as typing would, without auto-closed brackets. */
async function setQuery(page: Page, text: string) {
  await page.locator('.graphiql-query-editor .monaco-editor').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The result pane's text without any whitespace: monaco renders non-breaking spaces and wraps long lines. */
const shownResult = async (page: Page) => (await page.locator('.graphiql-response').innerText()).replace(/[\s\u00a0]+/g, '');

async function openWithKey(page: Page, key: string, remember = false) {
  await page.goto(gateway.url);
  await page.locator('#api-key').waitFor({ state: 'visible', timeout: 10_000 });
  await page.locator('#api-key').fill(key);
  if (remember) await page.locator('#remember-key').check();
  await page.getByRole('button', { name: 'Open GraphiQL' }).click();
  await page.locator('.graphiql-query-editor').waitFor({ state: 'visible', timeout: 20_000 });
}

describe('GraphiQL in Chromium', () => {
  it('takes the key once, shows the schema, runs a query, and streams a subscription', async () => {
    const webhookId = await createWebhookAt(gateway, `${receiver.url}/graphiql`);
    browser = await launchChromium();
    const { page } = browser;
    const sockets: string[] = [];
    const subscribeSent = new Promise<void>((resolve) =>
      page.on('websocket', (socket) => {
        sockets.push(socket.url());
        socket.on('framesent', ({ payload }) => {
          if (String(payload).includes('"subscribe"')) resolve();
        });
      }),
    );

    await page.goto(gateway.url);
    await browser.screenshot('graphiql-1-key-prompt');
    expect(browser.blocked, 'requests that left 127.0.0.1').toEqual([]);
    await page.locator('#api-key').waitFor({ state: 'visible', timeout: 10_000 });

    await page.locator('#api-key').fill(gateway.key);
    await page.getByRole('button', { name: 'Open GraphiQL' }).click();
    await page.locator('.graphiql-query-editor').waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => page.locator('#key-bar').innerText()).toMatch(/Tenant default, key whgw_/);

    // Docs: the schema came with the first introspection, no re-fetch pressed.
    await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => docs.innerText(), { timeout: 15_000 }).toMatch(/Query/);
    await docs.getByText('Query', { exact: true }).first().click();
    await expect.poll(() => docs.innerText()).toMatch(/webhooks/);
    expect(await docs.innerText()).not.toMatch(/Error fetching schema/i);
    await browser.screenshot('graphiql-2-docs');

    await setQuery(page, '{ webhooks(first: 10) { totalCount nodes { id url } } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => shownResult(page), { timeout: 15_000 }).toContain(webhookId);
    expect(await shownResult(page)).toContain('"totalCount":1');
    await browser.screenshot('graphiql-3-query');

    await setQuery(page, 'subscription { deliveryAttempts { id outcome webhookId } }');
    await page.locator('.graphiql-execute-button').click();
    await subscribeSent;
    await browser.screenshot('graphiql-4-subscribed');

    // An event from outside the page: the worker delivers it to the receiver and the attempt streams in.
    await publishAt(gateway, 'graphiql-browser-1', { id: 'msg_1', text: 'hello from the test' });
    expect((await receiver.received(1))[0]!.path).toBe('/graphiql');
    await expect.poll(() => shownResult(page), { timeout: 15_000 }).toContain('"outcome":"SUCCEEDED"');
    const shown = await shownResult(page);
    expect(shown).toContain(`"webhookId":"${webhookId}"`);
    expect(shown).toMatch(/"deliveryAttempts":\{"id":"att_/);
    expect(shown).not.toMatch(/errors/);
    await browser.screenshot('graphiql-5-attempt');

    // Nothing left 127.0.0.1 (a CDN would have been refused), the socket is the gateway's, and
    // the key is in no URL and nowhere the browser keeps things.
    expect(browser.blocked).toEqual([]);
    const loaded = browser.requests.map((url) => new URL(url).pathname.split('/').pop());
    expect(loaded).toEqual(
      expect.arrayContaining(['yoga-graphiql.umd.js', 'graphiql.css', 'editor.worker.js', 'graphql.worker.js', 'json.worker.js']),
    );
    expect(sockets.every((url) => url.startsWith(gateway.url.replace('http:', 'ws:')))).toBe(true);
    expect([...browser.requests, ...sockets].filter((url) => url.includes(gateway.key))).toEqual([]);
    expect(await storedText(page)).not.toContain(gateway.key);
    expect(JSON.stringify(await browser.context.cookies())).not.toContain(gateway.key);
    expect(gateway.server.lines.filter((line) => line.startsWith('{') && line.includes(gateway.key))).toEqual([]);
  });

  it('refuses a wrong key at the prompt, and remembers a key only when asked', async () => {
    browser ??= await launchChromium();
    const { page } = browser;
    await page.goto(gateway.url);
    await page.locator('#api-key').fill('whgw_not-a-key');
    await page.getByRole('button', { name: 'Open GraphiQL' }).click();
    await expect.poll(() => page.locator('#api-key-status').innerText()).toMatch(/not accepted \(401\)/);
    await browser.screenshot('graphiql-6-wrong-key');

    await openWithKey(page, gateway.key, true);
    expect(await storedText(page)).toContain(gateway.key);
    await page.reload();
    await page.locator('.graphiql-query-editor').waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => page.locator('#key-bar').innerText()).toMatch(/remembered in this browser/);

    // A key also typed in the Headers tab (lower case here) is sent alone, not joined with the prompt's.
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify({ 'x-api-key': gateway.key }));
    await setQuery(page, '{ viewer { tenantName } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => shownResult(page), { timeout: 15_000 }).toContain('"tenantName":"default"');
    await browser.screenshot('graphiql-7-remembered');

    await page.getByRole('button', { name: 'Change key' }).click();
    await page.locator('#api-key').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await storedText(page)).not.toContain(gateway.key);
  });
});
