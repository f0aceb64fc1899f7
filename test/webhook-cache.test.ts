import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromCreate } from '../src/domain/webhook-settings.ts';
import { openDatabase, type DatabaseConfig, type Db } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import * as webhooksVersionMigration from '../src/store/migrations/0015_webhooks_version.ts';
import { tenantRepository } from '../src/store/tenants.ts';
import { createWebhookCache } from '../src/store/webhook-cache.ts';
import { webhookRepository } from '../src/store/webhooks.ts';
import { createSecretBox } from '../src/store/secret-box.ts';
import { freshPostgresDatabase } from './helpers/postgres.ts';

/*
 * The webhook cache's internals on both engines: which writes move a tenant's webhooks version,
 * that a lookup at an unchanged version reads no webhook, and that a change made over another
 * connection (another thread or instance) is seen by the next lookup. What a client sees of it,
 * over the real server, is in webhook-cache-server.test.ts.
 */

type Opened = { db: Db; other: Db; close(): Promise<void> };

/** Two connections to one database, as two threads or instances have; `cleanup` runs after both close. */
async function twoConnections(config: DatabaseConfig, cleanup: () => unknown): Promise<Opened> {
  const db = openDatabase(config);
  await migrateToLatest(db);
  const other = openDatabase(config);
  return {
    db,
    other,
    async close() {
      await other.destroy();
      await db.destroy();
      await cleanup();
    },
  };
}

const engines: Record<'sqlite' | 'postgres', () => Promise<Opened>> = {
  async sqlite() {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-cache-'));
    return twoConnections({ databaseUrl: null, databasePath: join(dir, 'gateway.db'), databasePoolSize: 1 }, () =>
      rmSync(dir, { recursive: true, force: true }),
    );
  },
  async postgres() {
    const database = await freshPostgresDatabase();
    return twoConnections({ databaseUrl: database.url, databasePath: '', databasePoolSize: 2 }, () => database.drop());
  },
};

/** The SQL of every statement run through the returned instance. */
function recording(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      statements.push(db.getExecutor().compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), statements };
}

describe.each(['sqlite', 'postgres'] as const)('the webhook cache on %s', (engine) => {
  let opened: Opened;
  // The cache of this database, as app.ts makes one beside its database.
  const secrets = createSecretBox(randomBytes(32));
  const cache = createWebhookCache(secrets);
  let tenantId: string;
  let otherTenantId: string;
  let now = Date.now();

  beforeAll(async () => {
    opened = await engines[engine]();
    tenantId = (await tenantRepository(opened.db).findOrCreate(`cache-${engine}`)).id;
    otherTenantId = (await tenantRepository(opened.db).findOrCreate(`cache-other-${engine}`)).id;
  }, 30_000);
  afterAll(async () => opened?.close());

  const version = async (id = tenantId) => (await tenantRepository(opened.db).webhooksVersions([id])).get(id);
  const createWebhook = async (db: Db, tenant: string, url: string, topics = ['message.*']) =>
    webhookRepository(db, secrets).insert({
      id: `wh_${engine}_${++now}`,
      tenantId: tenant,
      settings: settingsFromCreate({ url, topics }),
      signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      now,
    });

  it("moves the version on every insert, delete and write of a webhook column but the failure count, and only the owner's", async () => {
    const before = await version();
    const otherBefore = await version(otherTenantId);
    const webhook = await createWebhook(opened.db, tenantId, 'https://example.com/a');
    expect(await version()).not.toBe(before);

    const columns =
      engine === 'postgres'
        ? (
            await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = 'webhooks'`.execute(
              opened.db,
            )
          ).rows
        : (await sql<{ name: string }>`select name from pragma_table_info('webhooks')`.execute(opened.db)).rows;
    expect(columns.length).toBeGreaterThan(20);
    const unmoved: string[] = [];
    for (const { name } of columns) {
      const at = await version();
      // The same value written back: a write is a change whether or not the value differs.
      await sql`update webhooks set ${sql.ref(name)} = ${sql.ref(name)} where id = ${webhook.id}`.execute(opened.db);
      if ((await version()) === at) unmoved.push(name);
    }
    expect(unmoved).toEqual(['consecutive_failures']);

    const beforeDelete = await version();
    await webhookRepository(opened.db, secrets).delete(tenantId, webhook.id);
    expect(await version()).not.toBe(beforeDelete);
    expect(await version(otherTenantId)).toBe(otherBefore);
  });

  it('answers a lookup at an unchanged version without reading a webhook', async () => {
    const webhook = await createWebhook(opened.db, tenantId, 'https://example.com/reads', ['order.*']);
    const { db, statements } = recording(opened.db);
    const first = await cache.subscribed(db, tenantId, 'order.created');
    expect(first.map((w) => w.id)).toEqual([webhook.id]);
    expect(statements.filter((s) => /from "webhooks"/.test(s))).toHaveLength(1);

    statements.length = 0;
    expect(await cache.subscribed(db, tenantId, 'order.created')).toBe(first);
    expect((await cache.byIds(db, [{ tenant_id: tenantId, webhook_id: webhook.id }])).get(webhook.id)).toBe(first[0]);
    expect(statements.filter((s) => /from "webhooks"/.test(s))).toEqual([]);

    // A failure counted moves no version, so it empties no cache.
    await webhookRepository(opened.db, secrets).countFailure(webhook.id);
    statements.length = 0;
    expect(await cache.subscribed(db, tenantId, 'order.created')).toBe(first);
    expect(statements.filter((s) => /from "webhooks"/.test(s))).toEqual([]);
  });

  it('sees at the next lookup what another connection changed', async () => {
    const webhook = await createWebhook(opened.db, tenantId, 'https://example.com/before', ['invoice.*']);
    expect((await cache.subscribed(opened.db, tenantId, 'invoice.paid')).map((w) => w.url)).toEqual(['https://example.com/before']);
    expect((await cache.byIds(opened.db, [{ tenant_id: tenantId, webhook_id: webhook.id }])).get(webhook.id)?.url).toBe(
      'https://example.com/before',
    );

    // Plain SQL on the other connection: no code of this process knows it happened.
    await sql`update webhooks set url = ${'https://example.com/after'}, signing_secret = ${'whsec_other'} where id = ${webhook.id}`.execute(
      opened.other,
    );
    const moved = (await cache.byIds(opened.db, [{ tenant_id: tenantId, webhook_id: webhook.id }])).get(webhook.id);
    expect([moved?.url, moved?.signingSecret]).toEqual(['https://example.com/after', 'whsec_other']);
    expect((await cache.subscribed(opened.db, tenantId, 'invoice.paid')).map((w) => w.url)).toEqual(['https://example.com/after']);

    await sql`update webhooks set enabled = 0 where id = ${webhook.id}`.execute(opened.other);
    expect(await cache.subscribed(opened.db, tenantId, 'invoice.paid')).toEqual([]);

    const added = await createWebhook(opened.other, tenantId, 'https://example.com/added', ['invoice.*']);
    expect((await cache.subscribed(opened.db, tenantId, 'invoice.paid')).map((w) => w.id)).toEqual([added.id]);

    await sql`delete from webhooks where id = ${added.id}`.execute(opened.other);
    expect(await cache.subscribed(opened.db, tenantId, 'invoice.paid')).toEqual([]);
    expect((await cache.byIds(opened.db, [{ tenant_id: tenantId, webhook_id: added.id }])).has(added.id)).toBe(false);
  });

  it("is taken back by its migration's down, and made again by its up", async () => {
    await webhooksVersionMigration.down(opened.db);
    await expect(version()).rejects.toThrow(/webhooks_version/);
    await createWebhook(opened.db, tenantId, 'https://example.com/while-down');
    await webhooksVersionMigration.up(opened.db);
    const before = await version();
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    await createWebhook(opened.db, tenantId, 'https://example.com/after-up');
    expect(await version()).not.toBe(before);
  });
});
