import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { AfterCommit, Committed } from './after-commit.ts';
import type { DeliveryEngine } from './engine.ts';
import type { StageCounts, StageTrace } from './stage-trace.ts';

export type ToEngine = { kind: 'wake' } | { kind: 'stop'; graceMs: number };
/** `stages`: what the thread's stage trace counted since its last message (null: nothing), riding on the commit's message. */
export type FromEngine = { kind: 'ready' } | { kind: 'committed'; committed: Committed; stages: StageCounts | null };

// A thread that died is started again after this long, not in a tight loop if it dies at once.
const RESTART_AFTER_MS = 1_000;

/** The composition root's thread entry (src/engine-thread.ts, or build/'s when compiled): it wires this layer to the ones above. */
function defaultEntry(): string {
  return new URL(`../engine-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
}

/**
 * The thread's first code. Under `npm start` (build/, compiled by scripts/build-server.mjs) and in
 * the tests the entry is JavaScript. Run as TypeScript (`npm run dev`), tsx's loader hooks do not
 * reach worker threads on Node 20, so the thread registers them itself first.
 */
function bootstrap(entry: string): string {
  if (!entry.endsWith('.ts')) return `import(${JSON.stringify(entry)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}

/**
 * The delivery engine in `count` worker threads (DELIVERY_WORKERS), so claiming, signing,
 * sending and recording use the cores the API's event loop does not. Each thread is a lease
 * holder of its own (`<instance>/engine-<n>`): they share the queue through the database exactly
 * as instances do, so nothing here divides work. What a thread commits comes back here and goes
 * to `announcer` (the process's announcer, without its relay: the thread has told the other
 * instances itself), which tells this process's subscribers, counts metrics and wakes every thread.
 */
export function startEngineThreads({
  config,
  count,
  announcer,
  stages,
  logger,
  signalsOwner,
  secretKey,
  entry = defaultEntry(),
}: {
  config: Config;
  count: number;
  announcer: AfterCommit;
  /** The process's stage trace (metrics), where each thread's counts are added. */
  stages: StageTrace;
  logger: Logger;
  /** On Postgres: the name the process signals other instances under (live/cluster.ts); the threads use it too. */
  signalsOwner: string | null;
  /** The secrets key the main thread resolved and checked (store/sealed-secrets.ts), whatever its source: the threads open credentials with it. */
  secretKey: Buffer;
  /** The thread's entry module; tests in-process name the compiled one `npm start` runs. */
  entry?: string;
}): DeliveryEngine {
  const code = bootstrap(entry);
  // No more threads than requests the process may have in flight: each needs a share of at least one.
  const threadCount = Math.min(count, config.delivery.concurrency);
  const threads = new Map<number, Thread>();
  let stopping = false;

  const configOf = (n: number): Config => ({
    ...config,
    secrets: { ...config.secrets, key: secretKey.toString('base64') },
    delivery: {
      ...config.delivery,
      instanceId: `${config.delivery.instanceId}/engine-${n}`,
      // DELIVERY_CONCURRENCY is the process's; the threads' shares add up to it exactly.
      concurrency: Math.floor(config.delivery.concurrency / threadCount) + (n <= config.delivery.concurrency % threadCount ? 1 : 0),
    },
  });

  /** Starts thread `n`; resolves once it runs its engine (loading a thread's modules takes a second or more). */
  function spawn(n: number): Promise<void> {
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const thread = new Thread(code, { eval: true, workerData: { config: configOf(n), threadId: n, signalsOwner } });
    thread.on('message', (message: FromEngine) => {
      if (message.kind === 'ready') return ready();
      // Counted before the announcement, so whoever sees the attempt can see its stages too.
      if (message.stages) stages.add(message.stages);
      announcer.committed(message.committed);
    });
    thread.on('error', (error) => logger.error({ err: error, engineThread: n }, 'delivery engine thread failed'));
    thread.on('exit', (code) => {
      threads.delete(n);
      ready();
      if (stopping) return;
      // Its leases come back after the dead-holder timeout; a new thread takes up its share of the work.
      logger.error({ engineThread: n, code }, 'delivery engine thread exited; starting another');
      setTimeout(() => !stopping && void spawn(n), RESTART_AFTER_MS).unref();
    });
    threads.set(n, thread);
    return started;
  }

  const send = (message: ToEngine) => {
    for (const thread of threads.values()) thread.postMessage(message);
  };

  return {
    async start() {
      await Promise.all(Array.from({ length: threadCount }, (_, i) => spawn(i + 1)));
    },
    wake: () => send({ kind: 'wake' }),
    async stop(graceMs) {
      stopping = true;
      const exited = [...threads.values()].map((thread) => new Promise<void>((resolve) => thread.once('exit', () => resolve())));
      send({ kind: 'stop', graceMs });
      await Promise.all(exited);
    },
  };
}
