/*
 * Shared helpers for the benchmarks: child processes (the real server, baselines, receivers),
 * an in-process gateway, GraphQL over HTTP, autocannon, percentiles, RSS, result shapes.
 *
 * Everything listens on 127.0.0.1 and every database lives under bench/tmp/ (git-ignored).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import type { App } from '../src/app.ts';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = dirname(BENCH_DIR);
export const TMP_DIR = join(BENCH_DIR, 'tmp');

/**
 * The server process measured is the one `npm start` runs, build/server.js; this brings build/
 * up to date with src/ (scripts/build-server.mjs), once per bench process.
 */
let built = false;
function buildServer(): void {
  if (!built) execFileSync(process.execPath, [join(ROOT_DIR, 'scripts', 'build-server.mjs')], { stdio: 'inherit' });
  built = true;
}

/** A fresh, empty folder under bench/tmp/ for one scenario's databases. */
export function scratchDir(name: string): string {
  const dir = join(TMP_DIR, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with true when `promise` settles within `ms`, false otherwise; leaves no timer behind. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The order event every delivery benchmark publishes: n makes each one distinct. */
export const orderPayload = (n: number) => ({
  orderId: `ord_${n}`,
  total: 1999 + n,
  currency: 'EUR',
  region: 'eu-west',
  items: [{ sku: 'sku-1', quantity: 2 }],
});

/* ------------------------------------------------------------------ numbers */

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1);
  return {
    count: sorted.length,
    mean: round(mean, 3),
    p50: round(percentile(sorted, 50), 3),
    p90: round(percentile(sorted, 90), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, 3),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/* ------------------------------------------------------------------ results */

/** One line of the results table: our figure against its baseline (or against a fixed goal). */
export type Comparison = {
  metric: string;
  unit: string;
  ours: number;
  /** Measured in the same run; null when the goal is absolute. */
  baseline: number | null;
  baselineLabel: string | null;
  /** ours / baseline (or what the goal compares). */
  ratio: number | null;
  goal: string;
  /** null: reported only, no goal set. */
  pass: boolean | null;
};

export type ScenarioResult = {
  id: string;
  title: string;
  measuredAt: string;
  seconds: number;
  setup: string[];
  comparisons: Comparison[];
  /** Other figures worth keeping (raw autocannon numbers, query plans, ...). */
  details: Record<string, unknown>;
  notes: string[];
};

export function compare(params: {
  metric: string;
  unit: string;
  ours: number;
  baseline: number;
  baselineLabel: string;
  /** ours / baseline must be at least this (higher is better); null to report only. */
  minRatio: number | null;
}): Comparison {
  const ratio = params.baseline > 0 ? round(params.ours / params.baseline, 3) : null;
  return {
    metric: params.metric,
    unit: params.unit,
    ours: params.ours,
    baseline: params.baseline,
    baselineLabel: params.baselineLabel,
    ratio,
    goal: params.minRatio === null ? 'reported (no goal set)' : `>= ${Math.round(params.minRatio * 100)}% of baseline`,
    pass: params.minRatio === null ? null : ratio !== null && ratio >= params.minRatio,
  };
}

/* ------------------------------------------------------------------ child processes */

const children = new Set<ChildProcess>();
process.on('exit', () => {
  // Only the processes this run started, each by its own pid.
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

export type ChildServer = {
  pid: number;
  /** Every stdout line so far. */
  lines: string[];
  /** Sends SIGTERM, waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Starts `node [nodeArgs] --import tsx <script>` and resolves once a stdout line satisfies
 * `ready`. `node --import tsx` (not the tsx CLI) so the pid is the server's own.
 */
export async function spawnNode(params: {
  script: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  ready: (lines: string[]) => boolean;
  timeoutMs?: number;
}): Promise<ChildServer> {
  const profileDir = process.env.BENCH_CPU_PROF ? join(TMP_DIR, 'profiles') : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...(params.nodeArgs ?? []),
      ...(params.script.endsWith('.ts') ? ['--import', 'tsx'] : []),
      params.script,
    ],
    { cwd: ROOT_DIR, env: { ...process.env, ...params.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${params.script} did not start: ${stderr.join('')}`)), params.timeoutMs ?? 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (params.ready(lines)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${params.script} exited with ${code}: ${stderr.join('')}`));
    });
  });
  return {
    pid: child.pid!,
    lines,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

/** One of the small servers in bench/servers/: it prints `{"ready":true,"url":...}` when listening. */
export async function startBenchServer(name: string, env: Record<string, string> = {}): Promise<ChildServer & { url: string }> {
  const readyLine = (lines: string[]) => lines.find((line) => line.startsWith('{"ready":true'));
  const server = await spawnNode({ script: join(BENCH_DIR, 'servers', `${name}.ts`), env, ready: (lines) => !!readyLine(lines) });
  return { ...server, url: (JSON.parse(readyLine(server.lines)!) as { url: string }).url };
}

/** A receiver in its own process that answers 200 at once (see servers/receiver.ts). */
export const startReceiver = () => startBenchServer('receiver');

export type GatewayProcess = ChildServer & { url: string; key: string };

/**
 * What every gateway under test gets: loopback receivers allowed, no log lines, and no per-key
 * rate limit (RATE_LIMIT_PER_SECOND=0), because the benchmarks measure capacity, not the policy.
 */
export const GATEWAY_ENV: Record<string, string> = { ALLOW_PRIVATE_ADDRESSES: 'true', LOG_LEVEL: 'silent', RATE_LIMIT_PER_SECOND: '0' };

/** The real server as `npm start` runs it (`node <flags> build/server.js`, by this node), ready when `ready` says so. */
async function spawnGateway(databasePath: string, env: Record<string, string>, ready: (lines: string[]) => boolean): Promise<ChildServer> {
  buildServer();
  const [, ...startArgs] = (
    JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start.split(' ');
  return spawnNode({
    script: join(ROOT_DIR, startArgs.at(-1)!),
    nodeArgs: startArgs.slice(0, -1),
    env: { PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: databasePath, ...GATEWAY_ENV, ...env },
    ready,
    timeoutMs: 120_000,
  });
}

/**
 * The real server on a fresh database, in its own process. On an empty database it prints the
 * first admin key and then `Open <url>/graphql and enter it ...`: that line is the ready signal,
 * so it works at any LOG_LEVEL (the "gateway listening" log line is info).
 */
export async function startGatewayProcess(databasePath: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const opened = (lines: string[]) => lines.map((line) => /^Open (http\S+\/graphql) /.exec(line)?.[1]).find(Boolean);
  const server = await spawnGateway(databasePath, env, (lines) => !!opened(lines));
  const keyLine = server.lines.find((line) => /^ {2}whgw_\S+$/.test(line));
  if (!keyLine) throw new Error('the gateway printed no first admin key (was the database empty?)');
  return { ...server, url: opened(server.lines)!, key: keyLine.trim() };
}

/** The real server again on a database it has run on before (no first key printed): ready at its "gateway listening" log line. */
export async function restartGatewayProcess(databasePath: string, key: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const listening = (lines: string[]) => lines.find((line) => line.includes('"msg":"gateway listening"'));
  const server = await spawnGateway(databasePath, { ...env, LOG_LEVEL: 'info' }, (lines) => !!listening(lines));
  return { ...server, url: (JSON.parse(listening(server.lines)!) as { url: string }).url, key };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULID-shaped ids (time, then a counter) for rows seeded straight into a database: they sort by creation as the app's do. */
export function idFactory(prefix: string) {
  let counter = 0;
  const base32 = (value: number, length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      out = CROCKFORD[value % 32]! + out;
      value = Math.floor(value / 32);
    }
    return out;
  };
  return (time: number) => `${prefix}_${base32(time, 10)}${base32(counter++, 16)}`;
}

/** VmRSS and VmHWM of a process, in MiB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: round(kb('VmRSS') / 1024, 1), peakMb: round(kb('VmHWM') / 1024, 1) };
}

/* ------------------------------------------------------------------ in-process gateway */

export type InProcessGateway = {
  app: App;
  server: Server;
  url: string;
  key: string;
  tenantId: string;
  close(): Promise<void>;
};

/**
 * The gateway's composition root from build/ (brought up to date first), for scenarios that run
 * it in this process. Never from src/ beside it: Pothos refuses a second schema builder.
 */
export async function builtGateway() {
  buildServer();
  const { loadConfig } = (await import(pathToFileURL(join(ROOT_DIR, 'build', 'config.js')).href)) as typeof import('../src/config.ts');
  const { createApp } = (await import(pathToFileURL(join(ROOT_DIR, 'build', 'app.js')).href)) as typeof import('../src/app.ts');
  return { loadConfig, createApp };
}

/**
 * createApp on a fresh database, served on 127.0.0.1, with its first admin key: the built
 * modules (build/), as npm start runs them, and engine threads started from there too.
 */
export async function startInProcessGateway(
  databasePath: string,
  env: Record<string, string> = {},
  startWorker = true,
): Promise<InProcessGateway> {
  const { loadConfig, createApp } = await builtGateway();
  const config = loadConfig({ DATABASE_PATH: databasePath, ...GATEWAY_ENV, ...env });
  const app = await createApp(config, { startWorker });
  const server = createServer(app.handle);
  app.attachWebSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const first = await app.services.apiKeys.bootstrap();
  if (!first) throw new Error('expected an empty database');
  return {
    app,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    key: first.key,
    tenantId: first.tenantId,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/* ------------------------------------------------------------------ GraphQL and HTTP load */

export type GraphQLBody<T> = { data?: T; errors?: { message: string }[] };

export async function graphql<T>(url: string, key: string | null, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLBody<T>;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors (${response.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

export const CREATE_WEBHOOK = /* GraphQL */ `
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookSuccess { webhook { id url } }
      ... on Error { message }
    }
  }
`;

type CreateWebhookData = { createWebhook: { __typename: string; webhook?: { id: string }; message?: string } };

/** Creates a webhook and returns its id; fails loudly on a typed error. */
export async function createWebhook(url: string, key: string, input: Record<string, unknown>): Promise<string> {
  const data = await graphql<CreateWebhookData>(url, key, CREATE_WEBHOOK, { input });
  if (!data.createWebhook.webhook) throw new Error(`createWebhook: ${data.createWebhook.__typename} ${data.createWebhook.message}`);
  return data.createWebhook.webhook.id;
}

export type LoadSettings = { connections: number; durationSeconds: number; warmupSeconds: number };

export type LoadResult = {
  requestsPerSecond: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses whose body failed the check (GraphQL errors, typed errors). */
  badBodies: number;
};

/**
 * autocannon against one URL: a short warm-up (discarded), then the measured run. `body` is a
 * fixed string or a function of the request number (for unique inputs); `check` looks at
 * each response body of the measured run.
 */
export async function load(params: {
  url: string;
  headers?: Record<string, string>;
  body: string | ((n: number) => string);
  check?: (body: string) => boolean;
  settings: LoadSettings;
}): Promise<LoadResult> {
  let n = 0;
  let badBodies = 0;
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...params.headers };
  const run = (durationSeconds: number, measured: boolean) => {
    const request: autocannon.Request = { method: 'POST', path: new URL(params.url).pathname, headers };
    if (typeof params.body === 'string') request.body = params.body;
    else {
      const body = params.body;
      request.setupRequest = (req) => ({ ...req, body: body(n++) });
    }
    if (measured && params.check) {
      const check = params.check;
      request.onResponse = (_status, responseBody) => {
        if (!check(responseBody)) badBodies++;
      };
    }
    return autocannon({
      url: params.url,
      connections: params.settings.connections,
      pipelining: 1,
      duration: durationSeconds,
      timeout: 30,
      requests: [request],
    });
  };
  if (params.settings.warmupSeconds > 0) await run(params.settings.warmupSeconds, false);
  const result = await run(params.settings.durationSeconds, true);
  return {
    requestsPerSecond: round(result.requests.total / params.settings.durationSeconds, 0),
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    badBodies,
  };
}
