import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { WebhookTotalCount } from '../helpers/webhook-count.ts';
import { launchChromium, type Browser } from './chromium.ts';

// Issue 22, row 10: a link to GraphiQL with ?query= ran it by itself with a remembered key, and any
// page (here another origin on the same site) could frame GraphiQL and have one click run its query.

const STORAGE_KEY = 'webhook-gateway.graphiql.apiKey';
const MUTATION = 'mutation { createWebhook(input: { url: "http://127.0.0.1:9/steal", topics: ["message.*"] }) { __typename } }';

let dir: string;
let gateway: GatewayProcess;
let framer: Server;
let framerUrl: string;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-graphiql-framing-'));
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db') });
  // The attacker's page: another port, so another origin, framing GraphiQL with its query in the URL.
  framer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><title>framer</title><iframe id="target" width="1200" height="800" src="${gateway.url}?query=${encodeURIComponent(MUTATION)}"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => framer?.close(resolve));
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

const webhookCount = async () => (await ask(gateway, WebhookTotalCount, {})).webhooks.totalCount;

/** The result pane's text without any whitespace (monaco renders non-breaking spaces). */
const shownResult = async (page: Page) => (await page.locator('.graphiql-response').innerText()).replace(/[\s\u00a0]+/g, '');

/** Whatever the page and its frames tell the console about a Content Security Policy. */
function cspMessages(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) messages.push(message.text());
  });
  return messages;
}

describe('GraphiQL refuses to act for another page', () => {
  it('shows a ?query= from the link with a remembered key, runs nothing by itself, and says where it came from', async () => {
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(gateway.url);
    await page.evaluate(([name, key]) => localStorage.setItem(name!, key!), [STORAGE_KEY, gateway.key]);

    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(request.postData() ?? '');
    });
    await page.goto(`${gateway.url}?query=${encodeURIComponent(MUTATION)}`);
    await page.locator('.graphiql-query-editor').waitFor({ state: 'visible', timeout: 20_000 });
    // Time enough for an auto-run, and for a delivery-less create to commit.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await browser.screenshot('graphiql-framing-1-link-query');
    expect(posted.filter((body) => body.includes('createWebhook'))).toEqual([]);
    expect(await webhookCount()).toBe(0);
    // The query is there to read, and the page says it came from the link.
    expect((await page.locator('.graphiql-query-editor').innerText()).replace(/[\s\u00a0]+/g, '')).toContain('createWebhook');
    await expect.poll(() => page.locator('#link-notice').innerText()).toMatch(/came with the link you opened/i);
  });

  it('cannot be framed by another origin: the frame stays empty of GraphiQL, and no click there reaches it', async () => {
    browser ??= await launchChromium();
    const page = await browser.context.newPage();
    const messages = cspMessages(page);
    const gatewayResponses: Record<string, string | null>[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(gateway.url))
        gatewayResponses.push({ url: response.url(), csp: response.headers()['content-security-policy'] ?? null });
    });
    await page.goto(framerUrl);
    await page.locator('#target').waitFor({ state: 'attached' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await page.screenshot({ path: '/tmp/graphiql-framed.png' });

    // The gateway answered the frame's request with a CSP forbidding it...
    expect(gatewayResponses.length).toBeGreaterThan(0);
    expect(gatewayResponses[0]!.csp).toMatch(/frame-ancestors 'none'/);
    // ...and Chromium showed an error page instead: no prompt, no editor, no Run button.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(frame!.url()).not.toContain(new URL(gateway.url).host);
    expect(await frame!.locator('#api-key, .graphiql-execute-button').count()).toBe(0);
    expect(messages.join('\n')).toMatch(/frame-ancestors/);
    // Clicking where the Run button would be changes nothing.
    await page.mouse.click(600, 400);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await webhookCount()).toBe(0);
    await page.close();
  });

  it('still works as usual under its CSP: the key prompt, a query run by a click, the result shown', async () => {
    browser ??= await launchChromium();
    const page = await browser.context.newPage();
    const messages = cspMessages(page);
    await page.goto(gateway.url);
    await page.evaluate((name) => localStorage.removeItem(name), STORAGE_KEY);
    await page.goto(gateway.url);
    await page.locator('#api-key').waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: '/tmp/graphiql-csp-1-prompt.png' });
    await page.locator('#api-key').fill(gateway.key);
    await page.getByRole('button', { name: 'Open GraphiQL' }).click();
    await page.locator('.graphiql-query-editor').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('#link-notice').isVisible()).toBe(false);
    await page.locator('.graphiql-query-editor .monaco-editor').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('{ viewer { tenantName } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => shownResult(page), { timeout: 15_000 }).toContain('"tenantName":"default"');
    await page.screenshot({ path: '/tmp/graphiql-csp-2-result.png' });
    expect(messages).toEqual([]);
    await page.close();
  });
});
