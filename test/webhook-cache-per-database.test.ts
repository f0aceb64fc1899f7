import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * Each database has its own webhook cache (store/webhook-cache.ts, made beside the database in
 * app.ts): two apps in one process, the second on a restored copy of the first's file (same
 * tenant id and, until a change, the same webhooks version), never answer from each other's
 * cache. The copy's change is made with the old version put back, as a copy restored from a
 * backup taken after the change would hold it: only the cache's owner tells them apart.
 */

const dir = mkdtempSync(join(tmpdir(), 'webhook-cache-copy-'));
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deliveryCount(app: TestApp): Promise<number> {
  const published = (await app.data(PublishEvent, { input: { topic: 'copy.made', payload: {} } })).publishEvent;
  if (published.__typename !== 'PublishEventSuccess') throw new Error(published.__typename);
  return published.deliveryCount;
}

it("two databases in one process do not see each other's webhooks through the cache", async () => {
  const original = await startTestApp({ DATABASE_PATH: join(dir, 'original.db') }, { startWorker: false });
  apps.push(original);
  const created = (await original.data(CreateWebhook, { input: { url: 'https://example.com/copy', topics: ['copy.*'] } })).createWebhook;
  if (created.__typename !== 'CreateWebhookSuccess') throw new Error(created.__typename);
  expect(await deliveryCount(original)).toBe(1);

  await sql`vacuum into ${join(dir, 'copy.db')}`.execute(original.app.db);
  const copy = await startTestApp({ DATABASE_PATH: join(dir, 'copy.db') }, { startWorker: false });
  apps.push(copy);
  expect(copy.tenantId).toBe(original.tenantId);
  const db = copy.app.db;
  const { webhooks_version: version } = await db
    .selectFrom('tenants')
    .select('webhooks_version')
    .where('id', '=', copy.tenantId)
    .executeTakeFirstOrThrow();
  await db.updateTable('webhooks').set({ enabled: 0 }).where('id', '=', created.webhook.id).execute();
  await db.updateTable('tenants').set({ webhooks_version: version }).where('id', '=', copy.tenantId).execute();

  expect(await deliveryCount(copy)).toBe(0);
  expect(await deliveryCount(original)).toBe(1);
});
