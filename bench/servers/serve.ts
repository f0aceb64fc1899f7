import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Every bench server the same way: listen on a free loopback port, print one JSON line
 * `{ ready, url }` for the harness, and stop cleanly on SIGTERM (after `beforeClose`).
 */
export function serveOnLoopback(
  server: Server,
  params: { scheme?: 'http' | 'ws'; path?: string; beforeClose?: () => void; afterClose?: () => void } = {},
) {
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ ready: true, url: `${params.scheme ?? 'http'}://127.0.0.1:${port}${params.path ?? ''}` })}\n`);
  });
  process.on('SIGTERM', () => {
    params.beforeClose?.();
    server.closeAllConnections();
    server.close(() => {
      params.afterClose?.();
      process.exit(0);
    });
  });
}
