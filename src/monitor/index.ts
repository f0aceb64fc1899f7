import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createStaticAssets } from '../graphiql/assets.ts';

/*
 * The delivery monitor at `/`: a small HTML page the gateway writes itself, naming the bundle
 * that `scripts/build-monitor.mjs` builds from web/ into dist/monitor/ (at install, start and
 * test time). The bundle is served like GraphiQL's files: hashed URLs, cached, compressed.
 */

const dist = fileURLToPath(new URL('../../dist/monitor/', import.meta.url));
const FILES = { 'monitor.js': `${dist}monitor.js`, 'monitor.css': `${dist}monitor.css` };

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page names hashed asset URLs; it must itself be revalidated to pick up a new build.
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Only the gateway's own origin: no CDN, and nothing injected could send the key elsewhere.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function createMonitor() {
  const assets = createStaticAssets('/monitor/assets/', FILES);

  function page(): { status: number; html: string } {
    if (!Object.values(FILES).every((path) => existsSync(path))) {
      return {
        status: 503,
        html: '<!doctype html><meta charset="utf-8"><title>Delivery monitor</title><p>The monitor page is not built: run <code>npm run build:monitor</code> (it needs the devDependencies).</p>',
      };
    }
    return {
      status: 200,
      html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delivery monitor · Webhook gateway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.url('monitor.css')}">
<script type="module" src="${assets.url('monitor.js')}"></script>
</head>
<body>
<noscript>The delivery monitor needs JavaScript.</noscript>
<div id="monitor"></div>
</body>
</html>
`,
    };
  }

  return {
    /** Serves `/` and `/monitor/assets/…` and returns true; false for any other request. */
    serve(request: IncomingMessage, response: ServerResponse): boolean {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/') return assets.serve(request, response);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return true;
      }
      const { status, html } = page();
      response.writeHead(status, PAGE_HEADERS);
      response.end(request.method === 'HEAD' ? undefined : html);
      return true;
    },
  };
}
