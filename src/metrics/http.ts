import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from './index.ts';

/*
 * Who may read /metrics. Off unless configured: METRICS_TOKEN admits `Authorization: Bearer
 * <token>` on the main port; METRICS_PORT serves it on its own port bound to 127.0.0.1 only
 * (for a Prometheus on the same host or a sidecar), with the token too when both are set.
 */

function tokenMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  // Compared in constant time; the length check leaks only the length.
  return a.length === b.length && timingSafeEqual(a, b);
}

function answer(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(`${message}\n`);
}

/** Serves one scrape, checking the token when there is one. */
async function serve(metrics: Metrics, token: string | null, request: IncomingMessage, response: ServerResponse) {
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'GET only', { allow: 'GET, HEAD' });
  if (token !== null && !tokenMatches(request.headers.authorization, token)) {
    return answer(response, 401, 'Send the METRICS_TOKEN as Authorization: Bearer <token>', {
      'www-authenticate': 'Bearer realm="metrics"',
    });
  }
  const body = await metrics.scrape();
  response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function metricsAccess(metrics: Metrics, config: { token: string | null; port: number | null }) {
  let own: Server | null = null;
  return {
    /** On the main port: serves `/metrics` when a token is configured and returns true; false for other paths. */
    handle(request: IncomingMessage, response: ServerResponse): boolean {
      if ((request.url ?? '/').split('?')[0] !== '/metrics') return false;
      if (config.token === null) {
        answer(
          response,
          404,
          config.port === null ? 'Metrics are off: set METRICS_TOKEN or METRICS_PORT' : 'Metrics are served on 127.0.0.1:METRICS_PORT',
        );
      } else {
        serve(metrics, config.token, request, response).catch((error: unknown) => response.destroy(error as Error));
      }
      return true;
    },
    /** Starts the localhost-only metrics server when METRICS_PORT is set; resolves with its port. */
    async listen(): Promise<number | null> {
      if (config.port === null) return null;
      own = createServer((request, response) => {
        if ((request.url ?? '/').split('?')[0] !== '/metrics') return answer(response, 404, 'Not found: /metrics');
        serve(metrics, config.token, request, response).catch((error: unknown) => response.destroy(error as Error));
      });
      await new Promise<void>((resolve, reject) => {
        own!.once('error', reject);
        own!.listen(config.port!, '127.0.0.1', resolve);
      });
      const address = own.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
    async close() {
      if (!own) return;
      own.closeAllConnections();
      await new Promise<void>((resolve) => own!.close(() => resolve()));
    },
  };
}
