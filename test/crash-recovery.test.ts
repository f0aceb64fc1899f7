import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countsWhen,
  createWebhookAt,
  killGatewayProcesses,
  publishAt,
  startGatewayProcess,
  type GatewayProcess,
} from './helpers/gateway-process.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * At-least-once across a crash: the server is SIGKILLed in the middle of a burst of publishes
 * and deliveries, started again on the same database, and the burst is finished by publishing
 * again every event whose publish was not confirmed (same idempotency key). In the end every
 * event has exactly one delivery, it is SUCCEEDED, and the receiver saw every event id at least
 * once; the number of duplicate requests (sent by the dead process, never recorded, sent again
 * after the lease ran out) is logged.
 */

const EVENTS = 2_000;
const PUBLISH_CONCURRENCY = 16;
/** Kill once the receiver has seen this many deliveries... */
const KILL_AFTER_RECEIVED = 200;
/** ...and never let publishing get past this index before the kill, so the kill lands mid-burst. */
const HOLD_PUBLISHING_AT = 1_800;

const dir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
const env = { DATABASE_PATH: join(dir, 'gateway.db'), DELIVERY_LEASE_SECONDS: '2' };

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

type BurstPayload = { key: string; n: number };
type DeliveryBody = { type: string; timestamp: string; data: BurstPayload };

const keyOf = (n: number) => `burst-${n}`;

const publish = (gateway: GatewayProcess, n: number) => publishAt(gateway, keyOf(n), { key: keyOf(n), n } satisfies BurstPayload);

/** Event ids by `data.key`, and the number of requests per event id, from what the receiver got. */
function tally(requests: Receiver['requests']) {
  const idsByKey = new Map<string, Set<string>>();
  const requestsById = new Map<string, number>();
  for (const request of requests) {
    const id = request.headers['webhook-id'];
    if (typeof id !== 'string') throw new Error(`delivery without a webhook-id header: ${JSON.stringify(request.headers)}`);
    const { data } = JSON.parse(request.body) as DeliveryBody;
    idsByKey.set(data.key, (idsByKey.get(data.key) ?? new Set()).add(id));
    requestsById.set(id, (requestsById.get(id) ?? 0) + 1);
  }
  return { idsByKey, requestsById };
}

describe('crash recovery', () => {
  it(`SIGKILL in the middle of a ${EVENTS}-event burst, then a restart: every delivery SUCCEEDED, every event received at least once`, async () => {
    const started = performance.now();
    const first = await startGatewayProcess(env);
    const webhookId = await createWebhookAt(first, `${receiver.url}/hook`);

    // The burst: PUBLISH_CONCURRENCY publishers take the next index until all are sent. A
    // publish counts only once its success came back; anything else is published again later.
    const confirmed = new Map<number, string>();
    const unconfirmed = new Set<number>();
    let killed = false;
    let inFlightAtKill = 0;
    let inFlight = 0;
    let next = 0;
    let signalKill!: () => void;
    const killedSignal = new Promise<void>((resolve) => (signalKill = resolve));

    const kill = receiver.received(KILL_AFTER_RECEIVED).then(() => {
      inFlightAtKill = inFlight;
      killed = true;
      first.server.child.kill('SIGKILL');
      signalKill();
    });

    const publisher = async () => {
      while (next < EVENTS) {
        const n = next++;
        if (n >= HOLD_PUBLISHING_AT && !killed) await killedSignal;
        inFlight++;
        try {
          confirmed.set(n, await publish(first, n));
        } catch (error) {
          // Before the kill every publish must work; after it, failures are expected.
          if (!killed) throw error;
          unconfirmed.add(n);
        } finally {
          inFlight--;
        }
      }
    };
    await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, publisher));
    await kill;
    const exit = await first.server.exited;
    expect(first.server.child.signalCode).toBe('SIGKILL');
    expect(exit).toBeNull();
    // The gateway itself died (not just a wrapper around it): nothing answers on its port.
    await expect(fetch(first.url, { method: 'POST' })).rejects.toThrow();
    const receivedBeforeKill = receiver.requests.length;

    expect(confirmed.size + unconfirmed.size).toBe(EVENTS);
    expect(unconfirmed.size).toBeGreaterThanOrEqual(EVENTS - HOLD_PUBLISHING_AT);

    // Start again on the same database and finish the burst with the same idempotency keys.
    const second = await startGatewayProcess(env, first.key);
    expect(second.server.lines.some((line) => /whgw_/.test(line))).toBe(false);
    const republished = [...unconfirmed];
    let cursor = 0;
    const republisher = async () => {
      while (cursor < republished.length) {
        const n = republished[cursor++]!;
        confirmed.set(n, await publish(second, n));
      }
    };
    await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, republisher));
    expect(confirmed.size).toBe(EVENTS);

    // Wait until every event id has reached the receiver at least once: each missing id needs
    // at least one more request, so wait for that many more.
    for (;;) {
      const { requestsById } = tally(receiver.requests);
      const missing = EVENTS - requestsById.size;
      if (missing <= 0) break;
      await receiver.received(receiver.requests.length + missing);
    }

    // Then until the gateway has recorded every delivery as SUCCEEDED (deliveries the dead
    // process sent but never recorded come back after their 2 s lease and are sent again).
    const state = await countsWhen(second, webhookId, (counts) => counts.succeeded.totalCount >= EVENTS);

    const { idsByKey, requestsById } = tally(receiver.requests);
    // One event per idempotency key, and it is the one the publish confirmed.
    expect(idsByKey.size).toBe(EVENTS);
    for (let n = 0; n < EVENTS; n++) {
      expect([...(idsByKey.get(keyOf(n)) ?? [])], keyOf(n)).toEqual([confirmed.get(n)]);
    }
    expect(new Set(confirmed.values()).size).toBe(EVENTS);
    expect(requestsById.size).toBe(EVENTS);

    // Every delivery SUCCEEDED, one per event, none lost, none created twice.
    expect(state.succeeded.totalCount).toBe(EVENTS);
    expect(state.all.totalCount).toBe(EVENTS);
    expect(state.stats.failed).toBe(0);
    // Recorded attempts: one per delivery, plus none or some for requests repeated after the
    // crash; never more than the receiver actually answered.
    expect(state.stats.succeeded).toBeGreaterThanOrEqual(EVENTS);
    expect(state.stats.succeeded).toBeLessThanOrEqual(receiver.requests.length);

    const duplicates = receiver.requests.length - requestsById.size;
    const repeated = [...requestsById.values()].filter((count) => count > 1).length;
    console.log(`duplicates after SIGKILL: ${duplicates}`);
    console.log(
      `crash-recovery: ${receivedBeforeKill} deliveries received before the kill, ${inFlightAtKill} publishes in flight at the kill, ` +
        `${unconfirmed.size} publishes repeated after restart, ${repeated} events delivered more than once, ` +
        `${receiver.requests.length} requests in all, ${state.stats.attempts} attempts recorded, ` +
        `${Math.round(performance.now() - started)} ms`,
    );

    second.server.child.kill('SIGTERM');
    expect(await second.server.exited).toBe(0);
  }, 120_000);
});
