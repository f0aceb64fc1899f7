/*
 * A webhook receiver that answers 200 at once: the far end for the delivery benchmarks.
 * GET /count answers how many POSTs it has had.
 */
import { createServer } from 'node:http';
import { serveOnLoopback } from './serve.ts';

let received = 0;
const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/count') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received }));
    return;
  }
  request.resume();
  request.on('end', () => {
    received++;
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;
serveOnLoopback(server);
