import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { createGraphiqlAssets } from './assets.ts';
import { graphiqlSecurityHeaders } from './headers.ts';
import { renderGraphiqlPage } from './page.ts';

/**
 * GraphiQL at `endpoint`, self-hosted: yoga renders the page with `render`; `serveAsset` serves its
 * files; `plugin` sends the page with the same security headers as the files.
 */
export function createGraphiql(endpoint: string, frameAncestors: readonly string[]) {
  const headers = graphiqlSecurityHeaders(frameAncestors);
  const assets = createGraphiqlAssets(endpoint, headers);
  const plugin: Plugin = {
    // Yoga answers GET + Accept: text/html with the page; only the page is HTML.
    onResponse({ response }) {
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    },
  };
  return {
    /** For yoga's `renderGraphiQL`. */
    render: (options: GraphiQLOptions) => renderGraphiqlPage(assets, options),
    plugin,
    /** Serves `<endpoint>/assets/…` and returns true; false for any other request. */
    serveAsset: (request: IncomingMessage, response: ServerResponse) => assets.serve(request, response),
  };
}
