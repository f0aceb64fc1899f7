import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';

/** Debian's chromium, or the one CHROMIUM_PATH names. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const screenshotDir = new URL('./screenshots/', import.meta.url).pathname;

// What the brief for these tests fixes: no sandbox (root in CI), no GPU, and no background
// traffic of the browser's own that could reach the network or slow the page.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Browser = {
  context: BrowserContext;
  page: Page;
  /** Every request the page (and its workers) made, allowed or not. */
  requests: string[];
  /** Requests refused because they left 127.0.0.1. */
  blocked: string[];
  /** Saves `test/browser/screenshots/<name>.png`, for a person to look at. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * Chromium with a fresh profile, where anything but 127.0.0.1 fails: a page that needs a CDN
 * breaks here as it would on a machine without internet. Fails (never skips) without a browser.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's: apt-get update && apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH to a Chromium or Chrome binary).',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'gateway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const requests: string[] = [];
  const blocked: string[] = [];
  const onRequest = (request: Request) => void requests.push(request.url());
  context.on('request', onRequest);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(screenshotDir, { recursive: true });
  return {
    context,
    page,
    requests,
    blocked,
    screenshot: async (name) => {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Everything the page's origin keeps: localStorage, sessionStorage, IndexedDB, Cache Storage, as text. */
export async function storedText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump = (storage: Storage) => Object.fromEntries(Object.keys(storage).map((k) => [k, storage.getItem(k)]));
    const databases: Record<string, unknown> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        databases[`${info.name}/${store}`] = await new Promise((resolve, reject) => {
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        });
      }
      db.close();
    }
    const caches = 'caches' in self ? await self.caches.keys() : [];
    return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage), databases, caches, cookie: document.cookie });
  });
}
