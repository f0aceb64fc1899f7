import type { GraphiQLOptions } from 'graphql-yoga';
import type { GraphiqlAssets } from './assets.ts';

/** Text for HTML content and double-quoted attributes. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The GraphiQL page: a few KiB of HTML naming the gateway's own asset URLs (no CDN). It asks
 * for the API key before GraphiQL mounts, so the schema is fetched with the key on first load
 * and subscriptions get it as graphql-ws connectionParams; see browser/boot.js.
 */
export function renderGraphiqlPage(assets: GraphiqlAssets, options: GraphiQLOptions): string {
  const title = options.title ?? 'GraphiQL';
  const config = {
    // Yoga's options for GraphiQL (title, endpoint, subscriptionsProtocol); headers are never set
    // here: the key comes from the prompt and stays in memory unless the user asks otherwise.
    graphiql: { ...options, headers: undefined, shouldPersistHeaders: false },
    workers: {
      editorWorkerService: assets.url('editor.worker.js'),
      json: assets.url('json.worker.js'),
      graphql: assets.url('graphql.worker.js'),
    },
  };
  // JSON inside <script> ends at the first "</script": escape every "<".
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.url('graphiql.css')}">
<link rel="stylesheet" href="${assets.url('gateway.css')}">
<script id="graphiql-config" type="application/json">${json}</script>
</head>
<body>
<noscript>GraphiQL needs JavaScript.</noscript>
<form id="api-key-prompt" class="api-key-prompt" autocomplete="off">
  <h1>${escapeHtml(title)}</h1>
  <label for="api-key">API key</label>
  <input id="api-key" type="password" placeholder="whgw_…" spellcheck="false" autocomplete="off" required autofocus>
  <label class="remember"><input id="remember-key" type="checkbox"> Remember in this browser (kept in its local storage)</label>
  <button type="submit">Open GraphiQL</button>
  <p id="api-key-status" role="status"></p>
  <p class="hint">The key printed by <code>npm start</code>, or one from <code>npm run keys -- create</code>. It is sent as the
  <code>X-API-Key</code> header and as the WebSocket's <code>connectionParams</code>, and forgotten when this tab closes unless you tick the box.</p>
</form>
<div id="key-bar" class="key-bar" hidden><span id="key-bar-text"></span><button id="change-key" type="button">Change key</button>
<span id="link-notice" class="link-notice" role="alert" hidden>The query below came with the link you opened, not from you: read it before you run it.</span></div>
<div id="graphiql-root" class="graphiql-root" hidden></div>
<!-- The bundle (megabytes) loads while the key is typed; boot.js runs at once and mounts GraphiQL when both are ready. -->
<script id="graphiql-bundle" src="${assets.url('yoga-graphiql.umd.js')}" defer></script>
<script src="${assets.url('boot.js')}"></script>
</body>
</html>
`;
}
