/*
 * Postgres beside SQLite, in the same run: events published in-process to 10 webhooks whose
 * receiver (its own process) answers 200 at once, on SQLite (one instance, the default), on
 * Postgres with one instance, and on Postgres with two instances in this process sharing the
 * database (publishes alternate between them; both workers claim). Deliveries per second from
 * the first publish until every attempt is recorded (counted on instance 1, which hears of
 * instance 2's attempts over LISTEN/NOTIFY), and the p99 of one publish.
 *
 * The Postgres server is the tests' throwaway one (system binaries, fsync off), so these are
 * engine costs on one machine, not a tuned production server.
 */
import { join } from 'node:path';
import pg from 'pg';
import type { App } from '../src/app.ts';
import { startThrowawayPostgres } from '../test/helpers/postgres-server.ts';
import {
  builtGateway,
  compare,
  GATEWAY_ENV,
  log,
  removeDir,
  round,
  scratchDir,
  startReceiver,
  summarize,
  type ScenarioResult,
} from './lib.ts';

type RunSettings = { events: number; webhooks: number; concurrency: number; perWebhook: number };
export type PostgresSettings = RunSettings & { ioBound: RunSettings };

type RunResult = { deliveriesPerSecond: number; publishP99Ms: number; seconds: number };

async function run(label: string, databases: Record<string, string>[], receiverUrl: string, settings: RunSettings): Promise<RunResult> {
  const { loadConfig, createApp } = await builtGateway();
  const apps: App[] = [];
  for (const database of databases) {
    const config = loadConfig({
      ...GATEWAY_ENV,
      ...database,
      DELIVERY_CONCURRENCY: String(settings.concurrency),
      DELIVERY_CONCURRENCY_PER_WEBHOOK: String(settings.perWebhook),
    });
    apps.push(await createApp(config));
  }
  try {
    const first = apps[0]!;
    const tenant = (await first.services.apiKeys.bootstrap())!;
    for (let i = 0; i < settings.webhooks; i++) {
      await first.services.webhooks.create(tenant.tenantId, { url: `${receiverUrl}/hooks/${i}`, topics: ['order.*'] });
    }
    const expected = settings.events * settings.webhooks;
    let attempts = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const stop = first.feed.listen('attempt', tenant.tenantId, () => {
      if (++attempts === expected) done();
    });
    const publishMs: number[] = [];
    const started = performance.now();
    for (let n = 0; n < settings.events; n++) {
      const t = performance.now();
      await apps[n % apps.length]!.services.events.publish(tenant.tenantId, { topic: 'order.created', payload: { n } });
      publishMs.push(performance.now() - t);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const timeout = setTimeout(() => done(), 300_000);
    await finished;
    clearTimeout(timeout);
    stop();
    const seconds = (performance.now() - started) / 1000;
    if (attempts !== expected) throw new Error(`postgres (${label}): ${attempts}/${expected} attempts recorded`);
    const result = {
      deliveriesPerSecond: round(expected / seconds, 0),
      publishP99Ms: summarize(publishMs).p99,
      seconds: round(seconds, 2),
    };
    log(`postgres: ${label}: ${result.deliveriesPerSecond} deliveries/s, publish p99 ${result.publishP99Ms} ms`);
    return result;
  } finally {
    for (const app of apps) await app.close();
  }
}

export async function runPostgres(settings: PostgresSettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('postgres');
  const receiver = await startReceiver();
  const server = await startThrowawayPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const database = async (name: string) => {
    await admin.query(`create database ${name}`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    return url.toString();
  };
  try {
    const sqlite = await run('SQLite, 1 instance', [{ DATABASE_PATH: join(dir, 'bench.db') }], receiver.url, settings);
    const one = await run('Postgres, 1 instance', [{ DATABASE_URL: await database('bench_one') }], receiver.url, settings);
    const twoUrl = await database('bench_two');
    const two = await run('Postgres, 2 instances', [{ DATABASE_URL: twoUrl }, { DATABASE_URL: twoUrl }], receiver.url, settings);
    // I/O-bound: 100 webhooks whose receiver answers after 1 s, 1 to 4 instances on one database,
    // with the share of pg_stat_activity samples in which a gateway backend waits on a lock.
    const scaleOut: (RunResult & { instances: number; lockWaitShare: number; samples: number })[] = [];
    for (let instances = 1; instances <= 4; instances++) {
      const name = `bench_io_${instances}`;
      const url = await database(name);
      let samples = 0;
      let waiting = 0;
      const sampler = setInterval(() => {
        void admin
          .query<{ waiting: number }>(
            `select count(*) filter (where wait_event_type = 'Lock')::int as waiting from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
            [name],
          )
          .then(({ rows }) => {
            samples++;
            if ((rows[0]?.waiting ?? 0) > 0) waiting++;
          });
      }, 50);
      const result = await run(
        `Postgres I/O-bound, ${instances} instance(s)`,
        Array.from({ length: instances }, () => ({ DATABASE_URL: url })),
        `${receiver.url}/slow`,
        settings.ioBound,
      );
      clearInterval(sampler);
      scaleOut.push({ ...result, instances, samples, lockWaitShare: samples > 0 ? round(waiting / samples, 4) : 0 });
    }
    const alone = scaleOut[0]!;
    const four = scaleOut[3]!;
    return {
      setup: [
        `${settings.events} events x ${settings.webhooks} webhooks, DELIVERY_CONCURRENCY ${settings.concurrency} per instance, ${settings.perWebhook} per webhook`,
        "SQLite file in the scratch folder; Postgres: the tests' throwaway server (fsync off), pool 10 per instance",
        'two instances: two apps in this one process on one database, publishes alternating',
        `I/O-bound: ${settings.ioBound.events} events x ${settings.ioBound.webhooks} webhooks whose receiver answers after 1 s, 1 to 4 apps in this process on one fresh database each run; pg_stat_activity sampled every 50 ms`,
      ],
      comparisons: [
        compare({
          metric: 'deliveries/s, Postgres 1 instance',
          unit: '/s',
          ours: one.deliveriesPerSecond,
          baseline: sqlite.deliveriesPerSecond,
          baselineLabel: 'SQLite',
          minRatio: null,
        }),
        compare({
          metric: 'deliveries/s, Postgres 2 instances',
          unit: '/s',
          ours: two.deliveriesPerSecond,
          baseline: sqlite.deliveriesPerSecond,
          baselineLabel: 'SQLite',
          minRatio: null,
        }),
        ...scaleOut.slice(1).map((row) =>
          compare({
            metric: `I/O-bound deliveries/s, ${row.instances} instances (1 s receivers, ${settings.ioBound.webhooks} webhooks)`,
            unit: '/s',
            ours: row.deliveriesPerSecond,
            baseline: alone.deliveriesPerSecond,
            baselineLabel: '1 instance',
            minRatio: row.instances === 4 ? 0.9 * 4 : null,
          }),
        ),
        {
          metric: 'samples with a gateway backend waiting on a lock, 4 instances I/O-bound',
          unit: '%',
          ours: round(four.lockWaitShare * 100, 2),
          baseline: round(alone.lockWaitShare * 100, 2),
          baselineLabel: '1 instance',
          ratio: null,
          goal: '<= 1%',
          pass: four.lockWaitShare <= 0.01,
        },
        compare({
          metric: 'publish p99, Postgres 1 instance',
          unit: 'ms',
          ours: one.publishP99Ms,
          baseline: sqlite.publishP99Ms,
          baselineLabel: 'SQLite',
          minRatio: null,
        }),
        compare({
          metric: 'publish p99, Postgres 2 instances',
          unit: 'ms',
          ours: two.publishP99Ms,
          baseline: sqlite.publishP99Ms,
          baselineLabel: 'SQLite',
          minRatio: null,
        }),
      ],
      details: { sqlite, postgresOneInstance: one, postgresTwoInstances: two, scaleOut },
      notes: [
        "Two instances share this process's one core here: the column shows coordination cost, not scale-out, which needs a core (or machine) per instance.",
      ],
    };
  } finally {
    await admin.end();
    server.stop();
    await receiver.stop();
    removeDir(dir);
  }
}
