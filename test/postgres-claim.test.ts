import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.ts';
import { openDatabase, type Db, type NewDeliveryRow } from '../src/store/db.ts';
import { leaseRepository } from '../src/store/leases.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';

/*
 * The claim raced by four instances, each with its own pool, on one real Postgres: the queue
 * statement alone, without HTTP, so thousands of claims happen in a few seconds.
 */

const INSTANCES = 4;
const WEBHOOKS = 10;
const DELIVERIES = 2_000;
const CAP = 3;
const DEAD_AFTER_MS = 10_000;

let database: TestDatabase;
let pools: Db[] = [];

async function seed(db: Db, count: number, now: number): Promise<string[]> {
  const tenantId = newId('tenant', now);
  await db
    .insertInto('tenants')
    .values({ id: tenantId, name: `t-${tenantId}`, created_at: now })
    .execute();
  // One delivery per (event, webhook), as the store allows: an event per round over the webhooks.
  const eventIds = Array.from({ length: Math.ceil(count / WEBHOOKS) }, () => newId('event', now));
  const eventId = eventIds[0]!;
  await db
    .insertInto('events')
    .values(
      eventIds.map((id) => ({
        id,
        tenant_id: tenantId,
        topic: 'message.created',
        payload: '{}',
        channel_type: null,
        echo: 0,
        idempotency_key: null,
        delivery_count: WEBHOOKS,
        created_at: now,
      })),
    )
    .execute();
  const webhooks = Array.from({ length: WEBHOOKS }, (_, i) => `wh_${String(i).padStart(2, '0')}_${eventId}`);
  const rows: NewDeliveryRow[] = Array.from({ length: count }, (_, i) => ({
    id: newId('delivery', now),
    tenant_id: tenantId,
    event_id: eventIds[Math.floor(i / WEBHOOKS)]!,
    webhook_id: webhooks[i % WEBHOOKS]!,
    status: 'PENDING',
    attempt_count: 0,
    next_attempt_at: now - 1,
    next_trigger: null,
    locked_until: null,
    locked_by: null,
    failure_reason: null,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('deliveries')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  database = await freshPostgresDatabase();
  pools = Array.from({ length: INSTANCES + 1 }, () => openDatabase({ databaseUrl: database.url, databasePath: '', databasePoolSize: 4 }));
  await migrateToLatest(pools[0]!);
});

afterAll(async () => {
  for (const db of pools) await db.destroy();
  await database?.drop();
});

describe('claiming on Postgres from several instances', () => {
  it('hands every delivery to exactly one instance, never more than the cap per webhook at once, without deadlock', async () => {
    const observer = pools[INSTANCES]!;
    const now = Date.now();
    const ids = await seed(observer, DELIVERIES, now);
    const claimedBy = new Map<string, string[]>();
    let overCap = 0;
    const errors: unknown[] = [];

    const instance = async (index: number) => {
      const db = pools[index]!;
      const leases = leaseRepository(db);
      const owner = `instance-${index}`;
      await leases.heartbeat(owner, owner, now);
      for (;;) {
        const claimed = await leases.claim({ now, limit: 16, perWebhookCap: CAP, leaseMs: 60_000, owner, deadAfterMs: DEAD_AFTER_MS });
        if (claimed.length === 0) {
          const left = await db.selectFrom('deliveries').select('id').where('next_attempt_at', 'is not', null).limit(1).execute();
          if (left.length === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        for (const delivery of claimed) claimedBy.set(delivery.id, [...(claimedBy.get(delivery.id) ?? []), owner]);
        // Leases held right now, over every instance: never above the cap for any webhook.
        const { rows } = await sql<{ leased: number }>`
          select count(*) as leased from deliveries where locked_until is not null group by webhook_id order by leased desc limit 1`.execute(
          db,
        );
        if ((rows[0]?.leased ?? 0) > CAP) overCap++;
        // "Send" and record each one in its own transaction, in a shuffled order, as attempts finish.
        await Promise.all(
          claimed.map(async (delivery) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
            await db.transaction().execute((trx) =>
              trx
                .updateTable('deliveries')
                .set({
                  status: 'SUCCEEDED',
                  attempt_count: 1,
                  next_attempt_at: null,
                  locked_until: null,
                  locked_by: null,
                  updated_at: now,
                })
                .where('id', '=', delivery.id)
                .execute(),
            );
          }),
        );
      }
    };

    await Promise.all(Array.from({ length: INSTANCES }, (_, i) => instance(i).catch((error: unknown) => void errors.push(error))));
    expect(errors.map(String)).toEqual([]);
    const twice = [...claimedBy].filter(([, owners]) => owners.length > 1);
    expect(twice).toEqual([]);
    expect(claimedBy.size).toBe(ids.length);
    expect(overCap).toBe(0);
    // Every instance took part: the claim is shared, not won by one.
    expect(new Set([...claimedBy.values()].flat()).size).toBe(INSTANCES);
  }, 60_000);

  it("lets a survivor take a dead instance's leases once its heartbeat stops, not after the whole lease", async () => {
    const [a, b] = [leaseRepository(pools[0]!), leaseRepository(pools[1]!)];
    const now = Date.now();
    await seed(pools[0]!, 5, now);
    await a.heartbeat('alive-then-dead', 'node-a', now);
    await b.heartbeat('survivor', 'node-b', now);
    const params = { now, limit: 100, perWebhookCap: 100, leaseMs: 3_600_000, deadAfterMs: DEAD_AFTER_MS };
    const taken = await a.claim({ ...params, owner: 'alive-then-dead' });
    expect(taken).toHaveLength(5);
    // While A beats, its hour-long leases stand.
    expect(await b.claim({ ...params, owner: 'survivor' })).toHaveLength(0);
    // A falls silent (as after SIGKILL): its last heartbeat is now older than DEAD_AFTER_MS.
    await pools[0]!
      .updateTable('instances')
      .set((eb) => ({ heartbeat_at: eb('heartbeat_at', '-', DEAD_AFTER_MS + 1) }))
      .where('owner', '=', 'alive-then-dead')
      .execute();
    const takenOver = await b.claim({ ...params, owner: 'survivor' });
    expect(takenOver.map((d) => d.id).sort()).toEqual(taken.map((d) => d.id).sort());
    expect(takenOver.every((d) => d.locked_by === 'survivor')).toBe(true);
  });

  it('lets a restarted instance retire its earlier life and take its leases at once', async () => {
    const leases = leaseRepository(pools[2]!);
    const now = Date.now();
    await seed(pools[2]!, 3, now);
    await leases.heartbeat('node-c#1', 'node-c', now);
    const params = { now, limit: 100, perWebhookCap: 100, leaseMs: 3_600_000, deadAfterMs: DEAD_AFTER_MS };
    expect(await leases.claim({ ...params, owner: 'node-c#1' })).toHaveLength(3);
    // node-c restarts: a new life under the same instance id, whose first act retires the old one.
    await leases.heartbeat('node-c#2', 'node-c', now);
    expect(await leases.retire({ instanceId: 'node-c', exceptOwner: 'node-c#2' })).toBe(1);
    expect(await leases.claim({ ...params, owner: 'node-c#2' })).toHaveLength(3);
  });

  it('holds no lock every claim takes: a claim goes on while another holds one webhook, and skips only that one', async () => {
    const db = pools[3]!;
    const now = Date.now();
    const ids = new Set(await seed(db, 20, now));
    const rows = await db
      .selectFrom('deliveries')
      .select(['id', 'webhook_id'])
      .where('id', 'in', [...ids])
      .execute();
    const held = rows[0]!.webhook_id;
    await leaseRepository(db).heartbeat('beside-another', 'beside-another', now);
    // Another instance's claim, its transaction still open: the lock every claim took until now,
    // and the one of the webhook it is filling.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtextextended('delivery-claim', 0))`);
      await other.query(`select pg_advisory_xact_lock(hashtextextended('webhook-claim' || chr(1) || $1, 0))`, [held]);
      const params = { now, limit: 100, perWebhookCap: 100, leaseMs: 60_000, owner: 'beside-another', deadAfterMs: DEAD_AFTER_MS };
      const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5_000));
      const claimed = await Promise.race([leaseRepository(db).claim(params), waited]);
      if (claimed === 'waited') throw new Error('the claim waited for a lock another claim holds');
      const mine = claimed.filter((delivery) => ids.has(delivery.id));
      expect(mine.some((delivery) => delivery.webhook_id === held)).toBe(false);
      expect(mine.length).toBe(rows.filter((row) => row.webhook_id !== held).length);
      // Once the other commits, the webhook it held is claimed too.
      await other.query('commit');
      const after = await leaseRepository(db).claim(params);
      expect(after.filter((delivery) => ids.has(delivery.id)).map((delivery) => delivery.webhook_id)).toEqual([held, held]);
    } finally {
      await other.end();
    }
  });

  it('gives one instance the hourly pruning turn when all of them ask at once', async () => {
    const now = Date.now();
    const asks = pools.slice(0, INSTANCES).flatMap((db) => [0, 1].map(() => leaseRepository(db).takeTurn('prune-test', now, 3_600_000)));
    expect((await Promise.all(asks)).filter(Boolean)).toHaveLength(1);
    expect(await leaseRepository(pools[0]!).takeTurn('prune-test', now + 60_000, 3_600_000)).toBe(false);
    expect(await leaseRepository(pools[1]!).takeTurn('prune-test', now + 3_600_000, 3_600_000)).toBe(true);
  });
});
