/*
 * npm run bench                 every scenario, then bench/results.json and bench/RESULTS.md
 * npm run bench -- read live    only those (their entries in results.json are replaced, the rest kept)
 * npm run bench -- --quick      shorter runs, for trying the harness (not for the record)
 * npm run bench -- --render     rewrite RESULTS.md from results.json (after editing FINDINGS.md)
 *
 * Scenarios: read, write, delivery, first-attempt, postgres, live, memory, backlog, growth; soak only by name
 * (`npm run bench -- soak`, ten minutes). Traffic goes to 127.0.0.1 only;
 * databases live under bench/tmp/. BENCH_CPU_PROF=1 starts every child server with --cpu-prof
 * (profiles in bench/tmp/profiles/; summarize one with `npx tsx bench/profile-summary.ts FILE`).
 * BENCH_DELIVERY_EVENTS overrides the delivery scenario's 20,000 events.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { runBacklog } from './backlog.ts';
import { runDelivery } from './delivery.ts';
import { runFirstAttempt } from './first-attempt.ts';
import { runPostgres } from './postgres.ts';
import { runGrowth } from './growth.ts';
import { BENCH_DIR, log, round, type Comparison, type ScenarioResult } from './lib.ts';
import { runLive } from './live.ts';
import { runMemory } from './memory.ts';
import { runRead } from './read.ts';
import { runSoak } from './soak.ts';
import { runWrite } from './write.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');

const http = quick ? { connections: 16, durationSeconds: 3, warmupSeconds: 1 } : { connections: 16, durationSeconds: 10, warmupSeconds: 2 };
const deliveryEvents = Number(process.env.BENCH_DELIVERY_EVENTS ?? (quick ? 2_000 : 20_000));

type Body = Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>;
// `byName`: run only when asked for by id (the soak takes ten minutes).
const scenarios: { id: string; title: string; run: () => Promise<Body>; byName?: true }[] = [
  { id: 'read', title: 'Read: webhooks(first: 20) over HTTP', run: () => runRead(http) },
  { id: 'write', title: 'Write: createWebhook and updateWebhook', run: () => runWrite(http) },
  {
    id: 'delivery',
    title: `Delivery: ${deliveryEvents.toLocaleString('en')} events to 10 webhooks`,
    run: () =>
      runDelivery({
        events: deliveryEvents,
        webhooks: 10,
        concurrency: 64,
        perWebhook: 8,
        graphqlPublish: { connections: 16, durationSeconds: quick ? 3 : 5, warmupSeconds: 1 },
      }),
  },
  {
    id: 'first-attempt',
    title: 'First attempt: publish request to the receiver at 100 events/s x 10 webhooks, SQLite and Postgres, with the stage trace',
    run: () => runFirstAttempt({ perSecond: 100, seconds: quick ? 3 : 10, webhooks: 10, concurrency: 64, perWebhook: 8 }),
  },
  {
    id: 'postgres',
    title: `Postgres beside SQLite: ${Math.round(deliveryEvents / 4).toLocaleString('en')} events to 10 webhooks, 1 and 2 instances; I/O-bound scale-out, 1 to 4`,
    run: () =>
      runPostgres({
        events: Math.round(deliveryEvents / 4),
        webhooks: 10,
        concurrency: 64,
        perWebhook: 8,
        ioBound: { events: quick ? 10 : 30, webhooks: 100, concurrency: 64, perWebhook: 8 },
      }),
  },
  {
    id: 'live',
    title: 'Live: deliveryAttempts publish-to-subscriber latency at 1,000 attempts/s',
    run: () => runLive({ attemptsPerSecond: 1000, webhooks: 10, warmupSeconds: quick ? 1 : 2, durationSeconds: quick ? 3 : 10 }),
  },
  {
    id: 'memory',
    title: 'Memory: RSS with 10,000 idle graphql-ws subscriptions',
    run: () => runMemory({ connections: 100, perConnection: 100 }),
  },
  {
    id: 'backlog',
    title: 'Backlog: 1,000,000 deliveries due to an endpoint that refuses connections',
    run: () => runBacklog({ deliveries: quick ? 100_000 : 1_000_000, publishesPerSecond: 50, seconds: quick ? 5 : 20 }),
  },
  {
    id: 'soak',
    title: 'Soak: 200 events/s x 10 webhooks for 10 minutes, 5% of deliveries failing or slow',
    run: () => runSoak({ minutes: quick ? 3 : 10, perSecond: 200, webhooks: 10 }),
    byName: true,
  },
  {
    id: 'growth',
    title: 'Growth: publish and claim cost at 1k, 100k and 1M delivery rows',
    run: () => runGrowth({ sizes: [1_000, 100_000, 1_000_000], webhooks: 10, dueNow: 50, samples: quick ? 100 : 300 }),
  },
];

type Results = {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  date: string;
  lastRun: { scenarios: string[]; seconds: number; quick: boolean };
  scenarios: ScenarioResult[];
};

const RESULTS_JSON = join(BENCH_DIR, 'results.json');
const RESULTS_MD = join(BENCH_DIR, 'RESULTS.md');
const FINDINGS_MD = join(BENCH_DIR, 'FINDINGS.md');
const PROPOSALS_DIR = join(BENCH_DIR, 'proposals');

function machine(): Results['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${release()}`,
  };
}

const fmt = (value: number | null, unit = '') =>
  value === null ? '–' : `${value.toLocaleString('en', { maximumFractionDigits: 3 })}${unit ? ` ${unit}` : ''}`;
const verdict = (pass: boolean | null) => (pass === null ? 'reported' : pass ? '**pass**' : '**FAIL**');

function row(scenario: ScenarioResult, comparison: Comparison): string {
  const baseline =
    comparison.baseline === null
      ? '–'
      : `${fmt(comparison.baseline, comparison.unit)}${comparison.baselineLabel ? ` (${comparison.baselineLabel})` : ''}`;
  const ratio =
    comparison.ratio === null
      ? '–'
      : comparison.unit === '/s' || comparison.unit === 'req/s'
        ? `${round(comparison.ratio * 100, 1)}%`
        : `${comparison.ratio}x`;
  return `| ${scenario.id} | ${comparison.metric} | ${fmt(comparison.ours, comparison.unit)} | ${baseline} | ${ratio} | ${comparison.goal} | ${verdict(comparison.pass)} |`;
}

function markdown(results: Results): string {
  const { machine: m } = results;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.ts); do not edit by hand. Findings come from bench/FINDINGS.md.`,
    '',
    `- Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB memory, ${m.platform}`,
    `- Node ${m.node}`,
    `- Date: ${results.date}`,
    `- Last run: ${results.lastRun.scenarios.join(', ')} in ${results.lastRun.seconds} s${results.lastRun.quick ? ' (--quick: short runs, not for the record)' : ''}`,
    '- Everything on 127.0.0.1 on this one machine: servers under test, baselines, receivers and load generators share its cores.',
    '',
    '| scenario | metric | ours | baseline (same run) | ratio | goal | result |',
    '|---|---|---|---|---|---|---|',
    ...results.scenarios.flatMap((scenario) => scenario.comparisons.map((comparison) => row(scenario, comparison))),
    '',
  ];
  for (const scenario of results.scenarios) {
    lines.push(`## ${scenario.title}`, '', `Measured ${scenario.measuredAt}, ${scenario.seconds} s.`, '');
    lines.push(...scenario.setup.map((line) => `- ${line}`), '');
    if (scenario.notes.length > 0) lines.push(...scenario.notes.map((line) => `- ${line}`), '');
    const plans = (scenario.details as { plans?: { path: string; sql: string; plan: string[] }[] }).plans;
    if (plans) {
      lines.push('Query plans (EXPLAIN QUERY PLAN at the largest size):', '', '| path | statement | plan |', '|---|---|---|');
      for (const entry of plans) {
        const statement = entry.sql.replace(/\(\?(, \?)*\)/g, '(?…)').replace(/\|/g, '\\|');
        lines.push(
          `| ${entry.path} | \`${statement.length > 140 ? `${statement.slice(0, 140)}…` : statement}\` | ${entry.plan.join('; ') || '(none)'} |`,
        );
      }
      lines.push('');
    }
  }
  if (existsSync(FINDINGS_MD)) lines.push(readFileSync(FINDINGS_MD, 'utf8').trim(), '');
  const diffs = existsSync(PROPOSALS_DIR)
    ? readdirSync(PROPOSALS_DIR)
        .filter((name) => name.endsWith('.diff'))
        .sort()
    : [];
  if (diffs.length > 0) {
    lines.push('### Proposed diffs', '', 'Against src/, in order (`git apply bench/proposals/NN-*.diff`).', '');
    for (const name of diffs)
      lines.push(`#### bench/proposals/${name}`, '', '```diff', readFileSync(join(PROPOSALS_DIR, name), 'utf8').trimEnd(), '```', '');
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  if (args.includes('--render')) {
    // Only rewrite RESULTS.md from results.json (after editing FINDINGS.md or a proposal).
    writeFileSync(RESULTS_MD, markdown(JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Results));
    log('rewrote bench/RESULTS.md from bench/results.json');
    return;
  }
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const unknown = wanted.filter((id) => !scenarios.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; choose from ${scenarios.map((s) => s.id).join(', ')}`);
  const chosen =
    wanted.length > 0 ? scenarios.filter((scenario) => wanted.includes(scenario.id)) : scenarios.filter((scenario) => !scenario.byName);

  const started = performance.now();
  const fresh: ScenarioResult[] = [];
  for (const scenario of chosen) {
    log(`${scenario.id}: ${scenario.title}`);
    const at = performance.now();
    const body = await scenario.run();
    fresh.push({
      id: scenario.id,
      title: scenario.title,
      measuredAt: new Date().toISOString(),
      seconds: round((performance.now() - at) / 1000, 1),
      ...body,
    });
    log(`${scenario.id}: done in ${fresh[fresh.length - 1]!.seconds} s`);
  }
  const seconds = round((performance.now() - started) / 1000, 1);

  // A partial run keeps the other scenarios' last figures.
  const previous =
    existsSync(RESULTS_JSON) && chosen.length < scenarios.length ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Results) : null;
  const merged = scenarios
    .map((scenario) => fresh.find((result) => result.id === scenario.id) ?? previous?.scenarios.find((result) => result.id === scenario.id))
    .filter((result): result is ScenarioResult => result !== undefined);
  const results: Results = {
    machine: machine(),
    date: new Date().toISOString(),
    lastRun: { scenarios: chosen.map((scenario) => scenario.id), seconds, quick },
    scenarios: merged,
  };
  writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(RESULTS_MD, markdown(results));

  for (const scenario of fresh) for (const comparison of scenario.comparisons) console.log(row(scenario, comparison));
  log(`finished in ${seconds} s; wrote bench/results.json and bench/RESULTS.md`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
