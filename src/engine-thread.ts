import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { createDispatcher } from './delivery/dispatcher.ts';
import { engineOnThisThread } from './delivery/engine.ts';
import type { FromEngine, ToEngine } from './delivery/engine-threads.ts';
import { createStageTrace } from './delivery/stage-trace.ts';
import { createWorker } from './delivery/worker.ts';
import { relayOver } from './live/cluster.ts';
import { createPgSignals } from './live/pg-signals.ts';
import { createLogger } from './logger.ts';
import { relayedOf } from './services/announcer.ts';
import { openDatabase } from './store/db.ts';
import { createSecretBox } from './store/secret-box.ts';
import { readSecretKey } from './store/secret-key.ts';
import { createWebhookCache } from './store/webhook-cache.ts';

/*
 * One delivery worker thread (delivery/engine-threads.ts starts them): its own database
 * connection, HTTP pool and claim loop, a lease holder of its own like another instance. What
 * it commits goes to the main thread, which tells this process's subscribers and wakes every
 * engine thread. On Postgres it also tells the other instances itself, at once after the commit
 * as a single-threaded instance does, not after a hop through a main thread that may be busy
 * (or killed in between), under the process's own signal name so the process does not hear it back.
 */

const { config, threadId, signalsOwner } = workerData as { config: Config; threadId: number; signalsOwner: string | null };
const port = parentPort!;
const post = (message: FromEngine) => port.postMessage(message);
const logger = createLogger(config.logLevel).child({ engineThread: threadId });
const db = openDatabase(config);
// SECRETS_KEY here is the key the main thread resolved and checked before starting the threads (engine-threads.ts).
const secretKey = readSecretKey(config);
if (!('key' in secretKey)) throw new Error('a delivery thread was started without the secrets key');
const secrets = createSecretBox(secretKey.key);
const relay =
  config.databaseUrl && signalsOwner
    ? relayOver(createPgSignals({ url: config.databaseUrl, db, owner: signalsOwner, logger, onSignal: () => {} }))
    : null;
const dispatcher = createDispatcher({ allowPrivateAddresses: config.allowPrivateAddresses });
// Counted here, sent with each commit's message: no message of its own per delivery.
const stages = createStageTrace();
const worker = createWorker({
  db,
  secrets,
  webhookCache: createWebhookCache(secrets),
  clock: systemClock,
  dispatcher,
  announcer: {
    committed(committed) {
      const relayed = relay ? relayedOf(committed, systemClock.now()) : null;
      if (relayed) relay!(relayed);
      post({ kind: 'committed', committed, stages: stages.take() });
    },
  },
  stages,
  logger,
  config: config.delivery,
});
const engine = engineOnThisThread({ worker, dispatcher, logger });

port.on('message', (message: ToEngine) => {
  if (message.kind === 'wake') return engine.wake();
  void engine
    .stop(message.graceMs)
    .then(() => db.destroy())
    // Ends this thread only; the main thread waits for its exit.
    .then(() => process.exit(0));
});
void engine.start().then(() => post({ kind: 'ready' }));
