import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createStageTrace } from '../src/delivery/stage-trace.ts';
import { ConflictError } from '../src/domain/errors.ts';
import { createLiveFeed } from '../src/live/feed.ts';
import { apiKeyService } from '../src/services/api-keys.ts';
import { createRepositories, createServices } from '../src/services/index.ts';
import { openDatabase, type Db } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { tenantRepository } from '../src/store/tenants.ts';
import { createWebhookCache } from '../src/store/webhook-cache.ts';
import { createSecretBox } from '../src/store/secret-box.ts';
import { createAnnouncer } from '../src/services/announcer.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';

/*
 * Every read-check-write path, raced against itself on a real Postgres: many calls at once, each
 * on its own pooled connection, as requests to several instances would be. SQLite never showed
 * these races: its driver runs one transaction at a time.
 */

const N = 8;
let database: TestDatabase;
let db: Db;
let services: ReturnType<typeof createServices>;
let repos: ReturnType<typeof createRepositories>;
let tenantId: string;

beforeEach(async () => {
  database = await freshPostgresDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: String(N * 2), ALLOW_PRIVATE_ADDRESSES: 'true' });
  db = openDatabase(config);
  await migrateToLatest(db);
  const secrets = createSecretBox(randomBytes(32));
  repos = createRepositories(db, secrets);
  const announcer = createAnnouncer({ feed: createLiveFeed(), clock: systemClock, wake: () => {} });
  services = createServices({
    db,
    secrets,
    webhookCache: createWebhookCache(secrets),
    config,
    clock: systemClock,
    announcer,
    stages: createStageTrace(),
    onKeyRevoked: () => {},
  });
  tenantId = (await tenantRepository(db).findOrCreate('acme')).id;
});

afterEach(async () => {
  await db.destroy();
  await database.drop();
});

const times = <T>(n: number, make: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => make(i)));

describe('on Postgres, concurrently', () => {
  it('stores one event for N publishes with one idempotency key', async () => {
    await services.webhooks.create(tenantId, { url: 'http://127.0.0.1:9/hook', topics: ['message.*'] });
    for (let round = 0; round < 5; round++) {
      const results = await times(N, () =>
        services.events.publish(tenantId, { topic: 'message.created', payload: { round }, idempotencyKey: `key-${round}` }),
      );
      const ids = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.event.id : String(r.reason))));
      expect([...ids]).toHaveLength(1);
      expect(await repos.events.count(tenantId, 'message.created')).toBe(round + 1);
    }
    expect(await repos.deliveries.countByWebhook(tenantId, (await repos.webhooks.page(tenantId, {}, {})).rows[0]!.id, null)).toBe(5);
  });

  it('lets one of N overlapping webhooks at one URL in, and names it to the others', async () => {
    const topicSets = [['*'], ['message.*'], ['message.created'], ['message.*', 'other.thing']];
    for (let round = 0; round < 3; round++) {
      const url = `http://127.0.0.1:9/hook-${round}`;
      const results = await times(N, (i) => services.webhooks.create(tenantId, { url, topics: topicSets[i % topicSets.length]! }));
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(created).toHaveLength(1);
      expect(refused.every((error) => error instanceof ConflictError && error.existingWebhookId === created[0]!.id)).toBe(true);
    }
  });

  it('loses no field when two partial updates of one webhook race', async () => {
    const webhook = await services.webhooks.create(tenantId, { url: 'http://127.0.0.1:9/hook', topics: ['message.*'] });
    for (let round = 1; round <= 10; round++) {
      await times(2, (i) =>
        i === 0
          ? services.webhooks.update(tenantId, webhook.id, { name: `name ${round}` })
          : services.webhooks.update(tenantId, webhook.id, { timeoutSeconds: round }),
      );
      const stored = await repos.webhooks.findById(tenantId, webhook.id);
      expect({ name: stored?.name, timeoutSeconds: stored?.timeoutSeconds }).toEqual({ name: `name ${round}`, timeoutSeconds: round });
    }
  });

  it("chains secret rotations: the second keeps the first one's new secret as the previous one", async () => {
    const webhook = await services.webhooks.create(tenantId, { url: 'http://127.0.0.1:9/hook', topics: ['message.*'] });
    for (let round = 0; round < 5; round++) {
      const results = await times(2, () => services.webhooks.rotateSecret(tenantId, webhook.id, 3600));
      const secrets = results.map((r) => (r.status === 'fulfilled' ? r.value.signingSecret : String(r.reason)));
      const stored = await repos.webhooks.findById(tenantId, webhook.id);
      // Whichever committed last is current; the other's secret is the previous one, so no signer's secret is lost.
      expect(secrets).toContain(stored?.signingSecret);
      expect(stored?.previousSigningSecret).toBe(secrets.find((secret) => secret !== stored?.signingSecret));
    }
  });

  it('creates one tenant when N first keys for a new tenant name arrive at once', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await times(N, (i) =>
        services.apiKeys.createForTenantName(`newcomer-${round}`, { name: `key ${i}`, scopes: ['ADMIN'] }),
      );
      expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
      const tenants = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.tenantId : '')));
      expect(tenants.size).toBe(1);
      expect(await repos.apiKeys.listByTenant([...tenants][0]!)).toHaveLength(N);
    }
  });
});

describe('on an empty Postgres database', () => {
  let empty: TestDatabase;
  let emptyDb: Db;
  afterAll(async () => {
    await emptyDb?.destroy();
    await empty?.drop();
  });

  it('bootstraps one first admin key when N instances start at once', async () => {
    empty = await freshPostgresDatabase();
    emptyDb = openDatabase({ databaseUrl: empty.url, databasePath: '', databasePoolSize: N * 2 });
    await migrateToLatest(emptyDb);
    const keys = apiKeyService({ db: emptyDb, clock: systemClock });
    const results = await times(N, () => keys.bootstrap());
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value !== null)).toHaveLength(1);
    expect(await tenantRepository(emptyDb).count()).toBe(1);
  });
});
