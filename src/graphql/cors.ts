import type { Plugin } from 'graphql-yoga';

/**
 * CORS for CORS_ORIGINS, exactly as listed; for yoga's `cors: false`, so with none listed no
 * other origin's page may read an answer or pass a preflight. Yoga's own default reflected any
 * Origin with `Access-Control-Allow-Credentials: true` (issue 22). Credentials are never allowed:
 * the key travels in a header the calling page sets itself, never in a cookie the browser adds.
 */
export function useCorsAllowlist(origins: readonly string[]): Plugin {
  const allowed = new Set(origins);
  const allows = (origin: string | null): origin is string => origin !== null && allowed.has(origin);
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (allowed.size === 0 || request.method !== 'OPTIONS') return;
      // Refused or not, a preflight ends here; onResponse adds the headers to a listed origin's.
      endResponse(new fetchAPI.Response(null, { status: 204, headers: { 'content-length': '0' } }));
    },
    onResponse({ request, response }) {
      if (allowed.size === 0) return;
      // The answer depends on the Origin sent: caches must keep one per origin.
      response.headers.append('vary', 'Origin');
      const origin = request.headers.get('origin');
      if (!allows(origin)) return;
      response.headers.set('access-control-allow-origin', origin);
      response.headers.set('access-control-expose-headers', 'x-request-id');
      if (request.method !== 'OPTIONS') return;
      response.headers.set('access-control-allow-methods', 'GET, POST');
      const requested = request.headers.get('access-control-request-headers');
      if (requested) response.headers.set('access-control-allow-headers', requested);
      response.headers.append('vary', 'Access-Control-Request-Headers');
      response.headers.set('access-control-max-age', '600');
    },
  };
}
