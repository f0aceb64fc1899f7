/*
 * Growth: publish latency and the worker's claim query (`findDue`) at 1k, 100k and 1M delivery
 * rows, plus EXPLAIN QUERY PLAN of every statement on the claim, record and publish paths.
 *
 * Rows are seeded straight into the gateway's SQLite file with better-sqlite3 (prepared
 * statements, one transaction per batch): one event per 10 deliveries, 97.5% SUCCEEDED and 2%
 * FAILED (next_attempt_at NULL), 0.5% RETRYING later today, and, before each measurement,
 * exactly 50 due now. The gateway (createApp, worker not started) runs in this process.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createAnnouncer } from '../src/services/announcer.ts';
import type { AttemptResult, DeliveryDispatcher } from '../src/delivery/dispatcher.ts';
import { createStageTrace } from '../src/delivery/stage-trace.ts';
import { createWorker } from '../src/delivery/worker.ts';
import { createLogger } from '../src/logger.ts';
import { createLiveFeed } from '../src/live/feed.ts';
import { eventService } from '../src/services/events.ts';
import type { Database } from '../src/store/db.ts';
import { deliveryRepository } from '../src/store/deliveries.ts';
import type { DueRules } from '../src/store/due.ts';
import { createWebhookCache } from '../src/store/webhook-cache.ts';
import type { SecretBox } from '../src/store/secret-box.ts';
import {
  idFactory,
  log,
  removeDir,
  round,
  scratchDir,
  startInProcessGateway,
  summarize,
  type Comparison,
  type ScenarioResult,
} from './lib.ts';

/** Due at `now` with no webhook paused or out of rate room, as the seeded webhooks are. */
const dueAt = (now: number): DueRules => ({ now, deadAfterMs: loadConfig({}).delivery.deadAfterMs, withoutRoom: [] });

export type GrowthSettings = { sizes: number[]; webhooks: number; dueNow: number; samples: number };

const DAY = 86_400_000;
function seeder(path: string, tenantId: string, webhookIds: readonly string[], historyStart: number, historyEnd: number, maxRows: number) {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  // Seeding only: this connection skips the fsyncs the app's own connection keeps.
  sqlite.pragma('synchronous = OFF');
  const eventId = idFactory('evt');
  const deliveryId = idFactory('dlv');
  const insertEvent = sqlite.prepare(
    'insert into events (id, tenant_id, topic, payload, channel_type, echo, idempotency_key, delivery_count, created_at) values (?, ?, ?, ?, null, 0, null, ?, ?)',
  );
  const insertDelivery = sqlite.prepare(
    'insert into deliveries (id, tenant_id, event_id, webhook_id, status, attempt_count, next_attempt_at, next_trigger, locked_until, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, null, null, ?, ?)',
  );
  let seeded = 0;
  const insertBatch = sqlite.transaction((rows: number, now: number) => {
    for (let i = 0; i < rows; i += webhookIds.length) {
      // Spread over the history window in order, so ids keep growing across stages.
      const at = Math.floor(historyStart + ((historyEnd - historyStart) * (seeded + i)) / maxRows);
      const event = eventId(at);
      insertEvent.run(
        event,
        tenantId,
        'order.created',
        `{"orderId":"ord_${seeded + i}","total":1999,"currency":"EUR"}`,
        webhookIds.length,
        at,
      );
      for (const [w, webhookId] of webhookIds.entries()) {
        const k = (seeded + i + w) % 1000;
        const [status, attempts, next] =
          k < 975
            ? ['SUCCEEDED', 1, null]
            : k < 995
              ? ['FAILED', 6, null]
              : ['RETRYING', 2, now + 2 * 3_600_000 + ((seeded + i) % 3_600_000)];
        insertDelivery.run(deliveryId(at), tenantId, event, webhookId, status, attempts, next, at, at);
      }
    }
  });
  const addDue = sqlite.transaction((count: number, now: number) => {
    // Whatever is due now (earlier probes, earlier publishes) counts as delivered; then exactly `count` are due.
    sqlite
      .prepare("update deliveries set status = 'SUCCEEDED', attempt_count = 1, next_attempt_at = null where next_attempt_at <= ?")
      .run(now);
    for (let i = 0; i < count; i += webhookIds.length) {
      const event = eventId(now - 1000);
      insertEvent.run(event, tenantId, 'order.created', '{"orderId":"due"}', webhookIds.length, now - 1000);
      for (const webhookId of webhookIds)
        insertDelivery.run(deliveryId(now - 1000), tenantId, event, webhookId, 'PENDING', 0, now - 1000 + i, now - 1000, now - 1000);
    }
  });
  return {
    sqlite,
    /** Grows the deliveries table to `target` history rows. */
    growTo(target: number) {
      const now = Date.now();
      while (seeded < target) {
        const rows = Math.min(100_000, target - seeded);
        insertBatch(rows, now);
        seeded += rows;
      }
    },
    resetDue(count: number) {
      addDue(count, Date.now());
    },
    count: () => (sqlite.prepare('select count(*) as n from deliveries').get() as { n: number }).n,
    explain: (statement: string, parameters: readonly unknown[]) =>
      (sqlite.prepare(`explain query plan ${statement}`).all(...parameters) as { detail: string }[]).map((row) => row.detail),
  };
}

type Captured = { path: string; sql: string; parameters: readonly unknown[] };

/** Every statement the claim, record and publish paths send, captured through Kysely's log on a second connection. */
async function captureStatements(path: string, tenantId: string, dueNow: number, secrets: SecretBox) {
  const captured: Captured[] = [];
  let current = 'claim';
  const sqlite = new SQLite(path);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') captured.push({ path: current, sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const repo = deliveryRepository(db);
  const now = Date.now();
  const due = await repo.findDue(dueAt(now), 256);
  if (due.length !== dueNow) throw new Error(`growth: expected ${dueNow} due, found ${due.length}`);

  current = 'claim + record (worker)';
  const succeeded: AttemptResult = {
    outcome: 'SUCCEEDED',
    responseStatus: 200,
    responseBody: 'ok',
    error: null,
    durationMs: 1,
    retryAfterMs: null,
    directive: null,
  };
  const dispatcher: DeliveryDispatcher = { send: async () => succeeded, close: async () => undefined, destroy: async () => undefined };
  const announcer = createAnnouncer({ feed: createLiveFeed(), clock: systemClock, wake: () => undefined });
  const webhookCache = createWebhookCache(secrets);
  const stages = createStageTrace();
  const worker = createWorker({
    db,
    secrets,
    webhookCache,
    clock: systemClock,
    dispatcher,
    announcer,
    stages,
    logger: createLogger('silent'),
    // The defaults, as the gateway runs them.
    config: loadConfig({}).delivery,
  });
  await worker.settle();

  current = 'publish';
  const events = eventService({ db, webhookCache, clock: systemClock, announcer, stages, config: loadConfig({}) });
  await events.publish(tenantId, { topic: 'order.created', payload: { orderId: 'explain' }, idempotencyKey: `explain-${now}` });
  await db.destroy();

  // One entry per statement shape (the worker's `in (?, ?, …)` lists vary in length).
  const shapes = new Map<string, Captured>();
  for (const statement of captured) {
    if (/^(begin|commit|rollback)/i.test(statement.sql)) continue;
    const shape = statement.sql.replace(/\(\?(, \?)*\)/g, '(?…)');
    if (!shapes.has(`${statement.path}|${shape}`)) shapes.set(`${statement.path}|${shape}`, statement);
  }
  return [...shapes.values()];
}

const growingTables = /\b(SCAN) (deliveries|events|delivery_attempts)\b/;

export async function runGrowth(settings: GrowthSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('growth');
  const path = join(dir, 'growth.db');
  const gateway = await startInProcessGateway(path, {}, false);
  const { app, tenantId } = gateway;
  const webhookIds: string[] = [];
  for (let i = 0; i < settings.webhooks; i++) {
    webhookIds.push((await app.services.webhooks.create(tenantId, { url: `http://127.0.0.1:9/growth/${i}`, topics: ['order.*'] })).id);
  }
  const now = Date.now();
  const maxRows = Math.max(...settings.sizes);
  const seed = seeder(path, tenantId, webhookIds, now - 31 * DAY, now - DAY, maxRows);
  const repo = deliveryRepository(app.db);
  const stages: {
    rows: number;
    seedSeconds: number;
    databaseMb: number;
    findDue: ReturnType<typeof summarize>;
    publish: ReturnType<typeof summarize>;
  }[] = [];
  let plans: { path: string; sql: string; plan: string[] }[] = [];
  try {
    for (const size of settings.sizes) {
      const seeding = performance.now();
      seed.growTo(size);
      seed.resetDue(settings.dueNow);
      const seedSeconds = round((performance.now() - seeding) / 1000, 1);
      const rows = seed.count();
      log(`growth: ${rows} delivery rows (seeded in ${seedSeconds} s); timing findDue and publish`);

      const time = async (fn: () => Promise<unknown>) => {
        const samples: number[] = [];
        for (let i = 0; i < settings.samples; i++) {
          const started = performance.now();
          await fn();
          samples.push(performance.now() - started);
        }
        return summarize(samples);
      };
      // The claim the worker makes with 64 free slots asks for 4 x 64 rows.
      await time(() => repo.findDue(dueAt(Date.now()), 256));
      const findDue = await time(() => repo.findDue(dueAt(Date.now()), 256));
      const due = await repo.findDue(dueAt(Date.now()), 256);
      if (due.length !== settings.dueNow) throw new Error(`growth: expected ${settings.dueNow} due, found ${due.length}`);
      let n = 0;
      const publish = await time(() =>
        app.services.events.publish(tenantId, { topic: 'order.created', payload: { orderId: `growth-${size}-${n++}`, total: 1999 } }),
      );
      stages.push({ rows, seedSeconds, databaseMb: round(statSync(path).size / 1024 / 1024, 0), findDue, publish });
      log(`growth: findDue p50 ${findDue.p50} ms, publish p50 ${publish.p50} ms`);
    }
    seed.resetDue(settings.dueNow);
    const statements = await captureStatements(path, tenantId, settings.dueNow, app.secrets);
    plans = statements.map((statement) => ({
      path: statement.path,
      sql: statement.sql,
      plan: seed.explain(statement.sql, statement.parameters),
    }));
  } finally {
    seed.sqlite.close();
    await gateway.close();
    removeDir(dir);
  }

  const first = stages[0]!;
  const last = stages[stages.length - 1]!;
  // Flat: the largest table costs at most twice the smallest, or under 0.2 ms more (timer noise at these sizes).
  const flat = (metric: string, small: number, large: number, statistic = 'p50'): Comparison => ({
    metric,
    unit: 'ms',
    ours: large,
    baseline: small,
    baselineLabel: `${statistic} at ${first.rows.toLocaleString('en')} rows`,
    ratio: round(large / small, 2),
    goal: 'flat: <= 2x, or < 0.2 ms more',
    pass: large <= 2 * small || large - small < 0.2,
  });
  const scans = plans.filter((entry) => entry.plan.some((line) => growingTables.test(line)));
  const tempSort = plans.filter(
    (entry) => /findDue|next_attempt_at/.test(entry.sql) && entry.plan.some((line) => /TEMP B-TREE/.test(line)),
  );
  return {
    setup: [
      `createApp in the bench process (LOG_LEVEL=silent, worker not started), ${settings.webhooks} webhooks; rows seeded with better-sqlite3 into the same file (1 event : ${settings.webhooks} deliveries; 97.5% SUCCEEDED, 2% FAILED, 0.5% RETRYING later; ${settings.dueNow} due now before each measurement)`,
      `findDue(rules, 256) (store/due.ts, no webhook paused or rate-capped) over 4 x 64 rows, as a claim with 64 free slots scans, ${settings.samples} samples after ${settings.samples} warm-up calls`,
      `publish: services.events.publish of an order.created event matching all ${settings.webhooks} webhooks (one transaction: lookup, event, ${settings.webhooks} deliveries), ${settings.samples} samples one after another`,
      'plans: EXPLAIN QUERY PLAN of every statement the claim, record and publish paths send, captured through Kysely on the 1M-row file (no ANALYZE, as the app runs)',
    ],
    comparisons: [
      flat(`findDue p50 at ${last.rows.toLocaleString('en')} rows`, first.findDue.p50, last.findDue.p50),
      flat(`publish p50 at ${last.rows.toLocaleString('en')} rows`, first.publish.p50, last.publish.p50),
      flat(`publish p99 at ${last.rows.toLocaleString('en')} rows`, first.publish.p99, last.publish.p99, 'p99'),
      {
        metric: 'statements scanning deliveries/events/attempts',
        unit: 'statements',
        ours: scans.length + tempSort.length,
        baseline: null,
        baselineLabel: null,
        ratio: null,
        goal: `0 of ${plans.length} (every plan a SEARCH USING INDEX, no temp sort for the claim)`,
        pass: scans.length === 0 && tempSort.length === 0,
      },
    ],
    details: { stages, plans },
    notes: [
      ...stages.map(
        (stage) =>
          `${stage.rows.toLocaleString('en')} rows (${stage.databaseMb} MB file): findDue p50 ${stage.findDue.p50} ms / p99 ${stage.findDue.p99} ms; publish p50 ${stage.publish.p50} ms / p99 ${stage.publish.p99} ms`,
      ),
      ...scans.map((entry) => `SCAN in ${entry.path}: ${entry.sql} -> ${entry.plan.join('; ')}`),
      ...tempSort.map((entry) => `temp sort in ${entry.path}: ${entry.sql} -> ${entry.plan.join('; ')}`),
    ],
  };
}
