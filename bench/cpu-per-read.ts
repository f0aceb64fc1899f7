/*
 * npx tsx bench/cpu-per-read.ts gw|shape
 *
 * CPU milliseconds the server process spends per `webhooks(first: 20)` read, read from
 * /proc/<pid>/stat before and after 3,000 requests (after 1,000 of warm-up). Throughput on this
 * 2-core machine swings with whatever else runs; the server's own CPU time per request barely
 * does, so this compares two builds of the gateway when the machine cannot be kept quiet.
 * `shape` measures bare yoga answering the same query from memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir, startGatewayProcess, startBenchServer } from './lib.ts';
import { READ_QUERY, seedReadWebhooks } from './read.ts';

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
async function drive(url: string, headers: Record<string, string>, n: number) {
  let i = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (i++ < n) {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: READ_QUERY }),
        });
        await r.text();
      }
    }),
  );
}
type Target = { url: string; pid: number; headers: Record<string, string>; stop: () => Promise<void> };

async function target(which: string): Promise<Target> {
  if (which === 'shape') {
    const shape = await startBenchServer('shape-yoga');
    return { url: shape.url, pid: shape.pid, headers: {}, stop: () => shape.stop() };
  }
  const gateway = await startGatewayProcess(join(scratchDir('cpu'), 'g.db'));
  await seedReadWebhooks(gateway.url, gateway.key);
  return { url: gateway.url, pid: gateway.pid, headers: { 'x-api-key': gateway.key }, stop: () => gateway.stop() };
}

const which = process.argv[2] ?? 'gw';
const server = await target(which);
await drive(server.url, server.headers, 1000);
const before = ticks(server.pid);
await drive(server.url, server.headers, 3000);
const after = ticks(server.pid);
console.log(which, (((after - before) * 10) / 3000).toFixed(3), 'CPU ms per read');
await server.stop();
process.exit(0);
