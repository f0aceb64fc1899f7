/*
 * The delivery scenario's gateway run alone, for a profile of the engine:
 *
 *   node --cpu-prof --cpu-prof-dir=bench/tmp/profiles --import tsx bench/profile-delivery.ts [WORKERS] [EVENTS]
 *
 * Worker threads inherit --cpu-prof, so each engine thread writes its own profile beside the
 * main thread's; summarize one with `npx tsx bench/profile-summary.ts FILE`.
 */
import { gatewayRun } from './delivery.ts';
import { log, removeDir, scratchDir, startReceiver } from './lib.ts';

const workers = Number(process.argv[2] ?? 1);
const events = Number(process.argv[3] ?? 3_000);
const dir = scratchDir('profile-delivery');
const receiver = await startReceiver();
try {
  const run = await gatewayRun(
    dir,
    receiver.url,
    { events, webhooks: 10, concurrency: 64, perWebhook: 8, graphqlPublish: { connections: 1, durationSeconds: 1, warmupSeconds: 0 } },
    workers,
  );
  log(`profile-delivery: DELIVERY_WORKERS=${workers}: ${JSON.stringify(run)}`);
} finally {
  await receiver.stop();
  removeDir(dir);
}
