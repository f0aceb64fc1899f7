/*
 * The soak's receiver: 5% of deliveries misbehave, chosen by a hash of the event id and path so
 * every attempt of one delivery is treated alike. 2.5% always answer 500 (retried until they run
 * out), 2.5% answer 200 after 2 s (slow), the rest 200 at once. For every delivery that is not
 * failing, the first arrival's latency (now minus the payload's sentAt) is kept with its time;
 * GET /window?from=&to= answers their count and p99 (ms) for arrivals in [from, to).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { serveOnLoopback } from './serve.ts';

const arrivals: number[] = [];
const latencies: number[] = [];

function kind(eventId: string, path: string): 'fail' | 'slow' | 'ok' {
  const n = createHash('sha1').update(`${eventId} ${path}`).digest().readUInt16BE(0) % 40;
  return n === 0 ? 'fail' : n === 1 ? 'slow' : 'ok';
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url?.startsWith('/window')) {
    const query = new URL(request.url, 'http://x').searchParams;
    const from = Number(query.get('from'));
    const to = Number(query.get('to'));
    const inside = latencies.filter((_, i) => arrivals[i]! >= from && arrivals[i]! < to).sort((a, b) => a - b);
    const p99 = inside.length ? inside[Math.min(inside.length - 1, Math.ceil(inside.length * 0.99) - 1)]! : 0;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: inside.length, p99 }));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const now = Date.now();
    const behaviour = kind(String(request.headers['webhook-id']), request.url ?? '');
    if (behaviour === 'fail') {
      response.writeHead(500, { 'content-length': '4' }).end('fail');
      return;
    }
    const { data } = JSON.parse(Buffer.concat(chunks).toString()) as { data: { sentAt: number } };
    arrivals.push(now);
    latencies.push(now - data.sentAt);
    const answer = () => response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    if (behaviour === 'slow') setTimeout(answer, 2_000);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
serveOnLoopback(server);
