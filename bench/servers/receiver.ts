/*
 * A webhook receiver that answers 200 at once: the far end for the delivery benchmarks.
 * GET /count answers how many POSTs it has had. POSTs under /latency/ carry `data.sentAt`
 * (epoch ms when the publish was sent); GET /latencies answers how long each took to arrive,
 * leaving out those marked `data.warmup`. POSTs under /slow/ are answered after 1 s (an I/O-bound
 * receiver, for scale-out).
 */
import { createServer } from 'node:http';
import { serveOnLoopback } from './serve.ts';

let received = 0;
const latencies: number[] = [];
const server = createServer((request, response) => {
  if (request.method === 'GET' && (request.url === '/count' || request.url === '/latencies')) {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(request.url === '/count' ? { received } : { latencies }));
    return;
  }
  const timed = request.url?.startsWith('/latency/');
  const chunks: Buffer[] = [];
  if (timed) request.on('data', (chunk: Buffer) => chunks.push(chunk));
  else request.resume();
  request.on('end', () => {
    received++;
    if (timed) {
      const { data } = JSON.parse(Buffer.concat(chunks).toString()) as { data: { sentAt: number; warmup?: boolean } };
      if (!data.warmup) latencies.push(Date.now() - data.sentAt);
    }
    const answer = () => response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    if (request.url?.startsWith('/slow/')) setTimeout(answer, 1_000);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
serveOnLoopback(server);
