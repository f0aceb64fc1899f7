/*
 * npx tsx bench/cpu-per-read.ts gw|shape    (BENCH_SRC_DIR=<copy>/src to measure a patched copy)
 *
 * CPU milliseconds the server process spends per `webhooks(first: 20)` read, read from
 * /proc/<pid>/stat before and after 3,000 requests (after 1,000 of warm-up). Throughput on this
 * 2-core machine swings with whatever else runs; the server's own CPU time per request barely
 * does, so this compares two builds of the gateway when the machine cannot be kept quiet.
 * `shape` measures bare yoga answering the same query from memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWebhook, scratchDir, startGatewayProcess, startBenchServer } from './lib.ts';
import { READ_QUERY } from './read.ts';

const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
async function drive(url: string, headers: Record<string, string>, n: number) {
  let i = 0;
  await Promise.all(Array.from({ length: 8 }, async () => { while (i++ < n) { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: READ_QUERY }) }); await r.text(); } }));
}
const which = process.argv[2]!;
const server = which === 'shape' ? await startBenchServer('shape-yoga') : await startGatewayProcess(join(scratchDir('cpu'), 'g.db'));
const headers = 'key' in server ? { 'x-api-key': (server as { key: string }).key } : {};
if ('key' in server) for (let i = 0; i < 20; i++) await createWebhook(server.url, (server as { key: string }).key, { url: `http://127.0.0.1:9/hooks/${i}`, topics: ['order.*', `customer.${i}`], name: `Webhook ${i}`, headers: [{ name: 'x-tenant-ref', value: `ref-${i}` }], configuration: { filters: [{ field: 'region', expression: 'eu-*' }] } });
const pid = (server as unknown as { pid?: number; child?: { pid: number } }).pid ?? (server as unknown as { child: { pid: number } }).child.pid;
await drive(server.url, headers, 1000);
const before = ticks(pid); await drive(server.url, headers, 3000); const after = ticks(pid);
console.log(which, process.env.BENCH_SRC_DIR ?? 'src', ((after - before) * 10 / 3000).toFixed(3), 'CPU ms per read');
await (server as unknown as { stop: () => Promise<void> }).stop?.();
process.exit(0);
