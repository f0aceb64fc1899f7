/*
 * Memory: RSS of the real server (its own process) with 10,000 idle graphql-ws subscriptions,
 * opened over 100 WebSocket connections x 100 subscriptions each. The baseline is the same
 * server's RSS before any subscription. One published event then proves every subscription is
 * live (each must receive its attempt). Goal: < 500 MB.
 */
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import {
  createWebhook,
  graphql,
  log,
  memoryOf,
  removeDir,
  round,
  scratchDir,
  sleep,
  startGatewayProcess,
  startReceiver,
  within,
  type ScenarioResult,
} from './lib.ts';
import { wsClient } from './live.ts';

export type MemorySettings = { connections: number; perConnection: number };

export async function runMemory(settings: MemorySettings): Promise<Omit<ScenarioResult, 'id' | 'title' | 'measuredAt' | 'seconds'>> {
  const dir = scratchDir('memory');
  const total = settings.connections * settings.perConnection;
  const receiver = await startReceiver();
  const gateway = await startGatewayProcess(join(dir, 'memory.db'), {
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(settings.perConnection),
    MAX_SUBSCRIPTIONS_PER_TENANT: String(Math.max(total, 20_000)),
  });
  const clients: Client[] = [];
  try {
    await createWebhook(gateway.url, gateway.key, { url: `${receiver.url}/memory`, topics: ['order.*'] });
    // Warm the server up a little (GraphQL, a publish, an attempt) so "before" is a running server, not a cold one.
    await graphql(gateway.url, gateway.key, '{ webhooks(first: 5) { totalCount } }');
    await sleep(2000);
    const before = memoryOf(gateway.pid);
    log(`memory: server RSS ${before.rssMb} MB before; opening ${total} subscriptions`);

    let received = 0;
    let errors = 0;
    let allReceived!: () => void;
    const everyoneGotOne = new Promise<void>((resolve) => (allReceived = resolve));
    const opening = performance.now();
    for (let c = 0; c < settings.connections; c++) {
      const client = wsClient(gateway.url, { apiKey: gateway.key });
      clients.push(client);
      for (let s = 0; s < settings.perConnection; s++) {
        client.subscribe(
          { query: 'subscription { deliveryAttempts { id outcome finishedAt } }' },
          {
            next: () => {
              if (++received === total) allReceived();
            },
            error: () => errors++,
            complete: () => undefined,
          },
        );
      }
    }
    // No acknowledgement exists for a subscribe: wait until the server's RSS stops moving.
    let opened = memoryOf(gateway.pid);
    for (let i = 0; i < 30; i++) {
      await sleep(1000);
      const now = memoryOf(gateway.pid);
      const settled = i >= 2 && Math.abs(now.rssMb - opened.rssMb) < opened.rssMb * 0.01;
      opened = now;
      if (settled) break;
    }
    const openSeconds = (performance.now() - opening) / 1000;
    log(`memory: server RSS ${opened.rssMb} MB with ${total} subscriptions; checking they are all live`);

    const publish = await graphql<{ publishEvent: { deliveryCount?: number } }>(
      gateway.url,
      gateway.key,
      'mutation { publishEvent(input: { topic: "order.created", payload: { probe: true } }) { ... on PublishEventSuccess { deliveryCount } } }',
    );
    if (publish.publishEvent.deliveryCount !== 1) throw new Error('memory: the probe event was not queued');
    const checkStarted = performance.now();
    await within(everyoneGotOne, 60_000);
    const fanOutMs = round(performance.now() - checkStarted, 0);
    if (received !== total || errors > 0)
      throw new Error(`memory: ${received}/${total} subscriptions received the probe, ${errors} errors`);
    await sleep(3000);
    const after = memoryOf(gateway.pid);
    log(`memory: all ${total} live (fan-out ${fanOutMs} ms); server RSS ${after.rssMb} MB, peak ${after.peakMb} MB`);
    const perSubscriptionKb = round(((opened.rssMb - before.rssMb) * 1024) / total, 1);

    return {
      setup: [
        'real server (`npm start`, `node build/server.js`, LOG_LEVEL=silent) in its own process; RSS read from /proc/<pid>/status (VmRSS, VmHWM)',
        `${settings.connections} graphql-ws clients in the bench process x ${settings.perConnection} \`deliveryAttempts\` subscriptions each = ${total.toLocaleString('en')} (MAX_SUBSCRIPTIONS_PER_CONNECTION=${settings.perConnection})`,
        'baseline: the same server before any subscription (after one query); "idle" is read once RSS has stopped moving (< 1% in 1 s) after opening',
        'then one published event must reach every subscription (proof they were all live); RSS after that fan-out is reported too',
      ],
      comparisons: [
        {
          metric: `server RSS with ${total.toLocaleString('en')} idle subscriptions`,
          unit: 'MB',
          ours: opened.rssMb,
          baseline: before.rssMb,
          baselineLabel: 'same server, no subscriptions',
          ratio: round(opened.rssMb / before.rssMb, 2),
          goal: '< 500 MB',
          pass: opened.rssMb < 500,
        },
        {
          metric: 'server RSS 3 s after one event reached all of them',
          unit: 'MB',
          ours: after.rssMb,
          baseline: before.rssMb,
          baselineLabel: 'same server, no subscriptions',
          ratio: round(after.rssMb / before.rssMb, 2),
          goal: 'reported (garbage of the fan-out not yet collected)',
          pass: null,
        },
      ],
      details: { before, idle: opened, afterFanOut: after, perSubscriptionKb, openSeconds: round(openSeconds, 1), fanOutToAllMs: fanOutMs },
      notes: [
        `About ${perSubscriptionKb} KB of server RSS per idle subscription. One event reached all ${total.toLocaleString('en')} subscriptions in ${fanOutMs} ms; peak RSS (VmHWM) ${after.peakMb} MB.`,
      ],
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([gateway.stop(), receiver.stop()]);
    removeDir(dir);
  }
}
