import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createWebhookAt, gatewayAndReceiverForThisFile, publishAt } from './helpers/gateway-process.ts';

/*
 * The server copies SQLite's write-ahead log back into the database file from a thread of its
 * own (store/wal-checkpointer.ts), never inside a commit of a thread that serves or delivers.
 * Shown from outside the real server: after a burst of writes far below SQLite's own
 * checkpoint threshold, the rows reach the database file itself within a couple of seconds,
 * while the server keeps running. Before the thread, they stayed in the log until it grew past
 * the threshold (64 MB), and then the commit that crossed it did the copying.
 */

const servers = gatewayAndReceiverForThisFile('wal');

it('checkpoints the log into the database file off the serving threads, while the server runs', async () => {
  const path = servers.databasePath;
  const webhook = await createWebhookAt(servers.gateway, `${servers.receiver.url}/wal`);
  expect(webhook).toBeTruthy();
  const before = statSync(path).size;
  for (let i = 0; i < 300; i++) await publishAt(servers.gateway, `wal-${i}`, { n: i, text: 'x'.repeat(500) });
  let grown = 0;
  // The thread checkpoints every 5 s.
  for (let i = 0; i < 120 && grown < 100_000; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    grown = statSync(path).size - before;
  }
  // 300 events of half a kilobyte each, their deliveries and attempts: well over 100 kB in the file.
  expect(grown).toBeGreaterThan(100_000);
  expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
});
