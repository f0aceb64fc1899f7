import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';

// Issue 22, row 10: GraphiQL served with no CSP, framable by any page, and CORS open to any origin
// with credentials. Against the real server process: the headers a browser acts on.

const EVIL = 'http://evil.example';
const FRIEND = 'https://app.example.com';

let dir: string;
let closed: GatewayProcess;
let allowlisted: GatewayProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-web-security-'));
  [closed, allowlisted] = await Promise.all([
    startGatewayProcess({ DATABASE_PATH: join(dir, 'closed.db') }),
    startGatewayProcess({
      DATABASE_PATH: join(dir, 'allowlisted.db'),
      CORS_ORIGINS: `${FRIEND}, http://localhost:5173`,
      FRAME_ANCESTORS: `'self' ${FRIEND}`,
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

const html = (gateway: GatewayProcess, path = '') => fetch(gateway.url + path, { headers: { accept: 'text/html' } });

/** The CSP's directives by name. */
function csp(response: Response): Map<string, string> {
  const header = response.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...rest]) => [name!, rest.join(' ')]),
  );
}

/** The URLs of the assets the page names. */
async function assetUrls(gateway: GatewayProcess): Promise<string[]> {
  const page = await (await html(gateway)).text();
  return [...page.matchAll(/\s(?:src|href)="(\/graphql\/assets\/[^"]+)"/g)].map((m) => new URL(m[1]!, gateway.url).href);
}

describe('GraphiQL page headers', () => {
  it('carries a CSP that allows only its own origin and no framing, nosniff, no-referrer and X-Frame-Options DENY', async () => {
    const response = await html(closed, '?query=%7B__typename%7D');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = csp(response);
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('default-src')).toBe("'self'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the page needs no inline script: every <script> is data or loaded from the gateway', async () => {
    const page = await (await html(closed)).text();
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      if (/type="application\/json"/.test(attributes!)) continue;
      expect(attributes).toMatch(/src="\/graphql\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });

  it('its assets (the monaco workers among them) carry the same policy and nosniff', async () => {
    const urls = await assetUrls(closed);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      const response = await fetch(url, { method: 'HEAD' });
      expect(response.status, url).toBe(200);
      expect(csp(response).get('frame-ancestors'), url).toBe("'none'");
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), url).toBe('no-referrer');
    }
  });

  it('FRAME_ANCESTORS names who may frame it; X-Frame-Options, which cannot say that, is left out', async () => {
    const response = await html(allowlisted);
    expect(csp(response).get('frame-ancestors')).toBe(`'self' ${FRIEND}`);
    expect(response.headers.get('x-frame-options')).toBeNull();
  });
});

/** A CORS preflight for a POST with the key header, as a browser sends it. */
const preflight = (gateway: GatewayProcess, origin: string) =>
  fetch(gateway.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
  });

/** A cross-origin POST (the browser sends Origin) with the key. */
const crossOriginPost = (gateway: GatewayProcess, origin: string) =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', 'x-api-key': gateway.key },
    body: JSON.stringify({ query: '{ viewer { tenantName } }' }),
  });

describe('CORS', () => {
  it('is off by default: no preflight passes and no answer is readable by another origin', async () => {
    for (const origin of [EVIL, FRIEND]) {
      const answer = await preflight(closed, origin);
      expect(answer.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials'), origin).toBeNull();
      expect(answer.headers.get('access-control-allow-headers'), origin).toBeNull();
      const post = await crossOriginPost(closed, origin);
      expect(post.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(post.headers.get('access-control-allow-credentials'), origin).toBeNull();
      const get = await fetch(`${closed.url}?query=%7B__typename%7D`, { headers: { origin } });
      expect(get.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('with CORS_ORIGINS, a listed origin gets exactly itself back and no credentials; any other gets nothing', async () => {
    for (const origin of [FRIEND, 'http://localhost:5173']) {
      const answer = await preflight(allowlisted, origin);
      expect(answer.status).toBeLessThan(300);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toMatch(/origin/i);
      const post = await crossOriginPost(allowlisted, origin);
      expect(post.status).toBe(200);
      expect(post.headers.get('access-control-allow-origin')).toBe(origin);
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
      expect(post.headers.get('vary')).toMatch(/origin/i);
    }
    for (const origin of [EVIL, 'https://app.example.com.evil.example', 'null', 'https://APP.example.com:443x']) {
      const answer = await preflight(allowlisted, origin);
      expect(answer.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials'), origin).toBeNull();
      const post = await crossOriginPost(allowlisted, origin);
      expect(post.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(post.headers.get('vary'), origin).toMatch(/origin/i);
    }
  });
});

describe('configuration', () => {
  it('refuses a FRAME_ANCESTORS or CORS_ORIGINS that is not a plain list of sources or origins', async () => {
    const { loadConfig } = await import('../src/config.ts');
    expect(loadConfig({}).web).toEqual({ frameAncestors: ["'none'"], corsOrigins: [] });
    expect(loadConfig({ FRAME_ANCESTORS: "'self', https://*.example.com" }).web.frameAncestors).toEqual([
      "'self'",
      'https://*.example.com',
    ]);
    for (const value of ["'none'; script-src *", '*', "'none' https://a.example", 'https://a.example/path', 'javascript:x']) {
      expect(() => loadConfig({ FRAME_ANCESTORS: value }), value).toThrow(/FRAME_ANCESTORS/);
    }
    for (const value of ['*', 'null', 'https://a.example/', 'https://a.example\r\nx-evil: 1', 'https://*.example.com']) {
      expect(() => loadConfig({ CORS_ORIGINS: value }), value).toThrow(/CORS_ORIGINS/);
    }
  });
});
