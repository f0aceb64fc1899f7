/**
 * What the GraphiQL page and its files are sent with, as the monitor page is: a browser runs only
 * the gateway's own scripts, talks only to the gateway, and shows the page in no other site's
 * frame (unless FRAME_ANCESTORS names it). A framing page could otherwise dress the Run button as
 * its own and have a user with a remembered key run its query (issue 22).
 *
 * script-src 'self' is enough: the page's one inline <script> is application/json (data, never
 * run), and boot.js, the bundle and the monaco workers are files under /graphql/assets/.
 * style-src needs 'unsafe-inline': GraphiQL and monaco set style attributes and <style> elements.
 */
export function graphiqlSecurityHeaders(frameAncestors: readonly string[]): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // 'self' covers the page's own ws:// (graphql-ws subscriptions) in CSP 3 browsers.
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // For browsers without frame-ancestors; it cannot name origins, so only when none may frame.
    ...(frameAncestors.join(' ') === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
  };
}
