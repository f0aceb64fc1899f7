import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphiQLOptions } from 'graphql-yoga';
import { createGraphiqlAssets } from './assets.ts';
import { renderGraphiqlPage } from './page.ts';

/** GraphiQL at `endpoint`, self-hosted: yoga renders the page with `render`; `serveAsset` serves its files. */
export function createGraphiql(endpoint: string) {
  const assets = createGraphiqlAssets(endpoint);
  return {
    /** For yoga's `renderGraphiQL`. */
    render: (options: GraphiQLOptions) => renderGraphiqlPage(assets, options),
    /** Serves `<endpoint>/assets/…` and returns true; false for any other request. */
    serveAsset: (request: IncomingMessage, response: ServerResponse) => assets.serve(request, response),
  };
}
