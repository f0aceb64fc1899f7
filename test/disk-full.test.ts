import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAt } from './helpers/app.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { CreateWebhook } from './helpers/documents.ts';
import {
  createWebhookAt,
  killGatewayProcesses,
  publishAt,
  startGatewayProcess,
  webhookCounts,
  type GatewayProcess,
} from './helpers/gateway-process.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Issue 26 item 1: the SQLite database on a disk that fills up. The database lives on a small
 * tmpfs mounted for this file (the tests run as root), a filler file takes every byte left, and
 * the real server process is asked to publish, to change a webhook, and to record attempts that
 * were in flight when the disk filled. Then the filler goes and the gateway must carry on by
 * itself, with an intact database and every delivery sent exactly once.
 */

// Mounting needs root, as CI and this machine run the tests; elsewhere the file says it was skipped.
const root = process.getuid?.() === 0;
const mount = mkdtempSync(join(tmpdir(), 'gateway-disk-full-'));
const databasePath = join(mount, 'gateway.db');
const filler = join(mount, 'filler');
let receiver: Receiver;
let gateway: GatewayProcess;
let webhookId: string;
// Attempts in flight when the disk fills are answered only once it has.
let release: () => void = () => undefined;

/** Writes zeros until the file system refuses one more byte. */
function fillDisk() {
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const sentIds = () => receiver.requests.map((request) => String(request.headers['webhook-id']));

async function health() {
  const response = await fetch(`${new URL(gateway.url).origin}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  if (!root) return;
  mkdirSync(mount, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
  receiver = await startReceiver();
  gateway = await startGatewayProcess({ DATABASE_PATH: databasePath });
  webhookId = await createWebhookAt(gateway, `${receiver.url}/hook`);
}, 60_000);

afterAll(async () => {
  if (!root) return rmSync(mount, { recursive: true, force: true });
  release();
  await killGatewayProcesses();
  await receiver?.close();
  execFileSync('umount', ['-l', mount]);
  rmSync(mount, { recursive: true, force: true });
});

describe.skipIf(!root)('the SQLite database on a full disk (issue 26 item 1), as root', () => {
  it('refuses writes with a clear retryable error, loses and repeats nothing, and carries on once space returns', async () => {
    const before = [await publishAt(gateway, 'before-1', { n: 1 }), await publishAt(gateway, 'before-2', { n: 2 })];
    await receiver.received(2);

    // Two attempts in flight while the disk fills: their results arrive to a full disk.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    release = answer;
    receiver.reply(() => ({ wait: answered, status: 200, body: 'ok' }));
    const inFlight = [await publishAt(gateway, 'in-flight-1', { n: 3 }), await publishAt(gateway, 'in-flight-2', { n: 4 })];
    await receiver.received(4);
    fillDisk();
    answer();
    receiver.reply(() => ({ status: 200, body: 'ok' }));

    // A publish and a webhook change: each refused with a retryable error that says why, no stack.
    const refused = await graphqlAt(
      gateway.url,
      PublishEvent,
      { input: { topic: 'message.created', payload: { n: 5 }, idempotencyKey: 'during' } },
      gateway.key,
    );
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('STORAGE_FULL');
    expect(refused.body.errors?.[0]?.message).toMatch(/storage is full/i);
    expect(JSON.stringify(refused.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
    const change = await graphqlAt(
      gateway.url,
      CreateWebhook,
      { input: { url: `${receiver.url}/other`, topics: ['message.*'] } },
      gateway.key,
    );
    expect(change.body.errors?.[0]?.extensions?.code).toBe('STORAGE_FULL');

    const full = await health();
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ status: 'degraded', storage: 'full' });

    // Held full for longer than a recording takes: nothing is sent twice meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(sentIds().length).toBe(4);

    unlinkSync(filler);
    // By itself: the refused publish succeeds when retried with its key, and is sent once.
    const retried = await publishAt(gateway, 'during', { n: 5 });
    await receiver.received(5);
    await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe(200);
    expect((await health()).body).toMatchObject({ status: 'ok', storage: 'ok' });

    // Every attempt recorded once, the in-flight ones included, with nothing sent again.
    await expect.poll(async () => (await webhookCounts(gateway, webhookId)).stats.succeeded, { timeout: 15_000 }).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const ids = sentIds();
    expect(ids.length).toBe(5);
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort()).toEqual([...before, ...inFlight, retried].sort());

    await killGatewayProcesses();
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('select count(*) as n from events').get()).toEqual({ n: 5 });
      expect(db.prepare('select count(*) as n from delivery_attempts').get()).toEqual({ n: 5 });
    } finally {
      db.close();
    }
  }, 90_000);
});
