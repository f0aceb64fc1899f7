import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  countsWhen,
  createWebhookAt,
  killGatewayProcesses,
  publishAt,
  startGatewayProcess,
  webhookCounts,
  type GatewayProcess,
} from './helpers/gateway-process.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * SIGTERM: the worker stops claiming, the attempts in flight finish (and are recorded) within
 * SHUTDOWN_GRACE_SECONDS, and the process exits 0; what it did not send is sent after a restart.
 * The server runs as one node process (`direct`), so the signal reaches the gateway itself.
 */

const dir = mkdtempSync(join(tmpdir(), 'gateway-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
});

afterEach(async () => {
  await killGatewayProcesses();
  await receiver.close();
});

const publish = (gateway: GatewayProcess, n: number) => publishAt(gateway, `shutdown-${n}`, { n });

/** A gate the receiver's held responses wait on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const webhookIds = (requests: Receiver['requests']) => requests.map((request) => String(request.headers['webhook-id']));

describe('graceful shutdown', () => {
  it('SIGTERM stops claiming, lets the attempts in flight finish and records them, and exits 0; the rest go out after a restart', async () => {
    const env = {
      DATABASE_PATH: join(dir, 'held.db'),
      SHUTDOWN_GRACE_SECONDS: '10',
      DELIVERY_CONCURRENCY: '4',
    };
    const first = await startGatewayProcess(env);
    const webhookId = await createWebhookAt(first, `${receiver.url}/hook`);

    const held = gate();
    receiver.reply(() => ({ wait: held.opened, status: 200 }));
    const eventIds: string[] = [];
    for (let n = 0; n < 10; n++) eventIds.push(await publish(first, n));

    // Four attempts in flight (the global cap), their responses held.
    await receiver.received(4);
    first.server.child.kill('SIGTERM');
    await first.server.waitForLine(/"shutting down"/);
    // The worker has stopped; the process waits for the held responses. A round trip through
    // the event loop gives it the chance to (wrongly) exit or claim.
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.server.child.exitCode).toBeNull();
    expect(first.server.child.signalCode).toBeNull();
    expect(receiver.requests).toHaveLength(4);

    held.open();
    expect(await first.server.exited).toBe(0);
    // No claim after SIGTERM: the slots the four finished attempts freed were not refilled.
    expect(receiver.requests).toHaveLength(4);
    const beforeRestart = webhookIds(receiver.requests);
    expect(new Set(beforeRestart).size).toBe(4);
    expect(first.server.lines.join('\n')).not.toMatch(/still in flight at shutdown|could not be recorded/);
    expect(first.server.lines.join('\n')).not.toMatch(/"level":50/);

    // Restart with the responses held again: right after the restart exactly the four attempts
    // finished during the shutdown are recorded, as SUCCEEDED.
    const heldAgain = gate();
    receiver.reply(() => ({ wait: heldAgain.opened, status: 200 }));
    const second = await startGatewayProcess(env, first.key);
    await receiver.received(8);
    const afterRestart = await webhookCounts(second, webhookId);
    expect(afterRestart.stats).toEqual({ attempts: 4, succeeded: 4, failed: 0 });
    expect(afterRestart.succeeded.totalCount).toBe(4);
    expect(afterRestart.all.totalCount).toBe(10);

    // The other six are delivered after the restart, and none of the four is sent again.
    heldAgain.open();
    await receiver.received(10);
    // One response is not one snapshot: its counts are separate statements, and a recording can
    // commit between them. Wait until both have seen the tenth.
    const state = await countsWhen(second, webhookId, (counts) => counts.succeeded.totalCount >= 10 && counts.stats.attempts >= 10);
    expect(state.succeeded.totalCount).toBe(10);
    expect(state.stats).toEqual({ attempts: 10, succeeded: 10, failed: 0 });
    expect(receiver.requests).toHaveLength(10);
    const afterwards = webhookIds(receiver.requests).slice(4);
    expect(afterwards.filter((id) => beforeRestart.includes(id))).toEqual([]);
    expect(new Set(webhookIds(receiver.requests))).toEqual(new Set(eventIds));

    second.server.child.kill('SIGTERM');
    expect(await second.server.exited).toBe(0);
  }, 60_000);

  it('SIGTERM with attempts that never get an answer exits 0 once the grace period is over; a restart sends them again', async () => {
    const env = {
      DATABASE_PATH: join(dir, 'hanging.db'),
      SHUTDOWN_GRACE_SECONDS: '1',
      DELIVERY_LEASE_SECONDS: '2',
    };
    const gateway = await startGatewayProcess(env);
    // The attempt timeout (20 s) is far beyond the grace period (1 s): only the deadline may end the wait.
    const webhookId = await createWebhookAt(gateway, `${receiver.url}/hook`, { timeoutSeconds: 20 });
    receiver.reply(() => ({ hang: true }));
    const eventIds: string[] = [];
    for (let n = 0; n < 3; n++) eventIds.push(await publish(gateway, n));
    await receiver.received(3);

    const signalled = performance.now();
    gateway.server.child.kill('SIGTERM');
    const code = await gateway.server.exited;
    const waited = performance.now() - signalled;

    // It waited for the grace period, not for the attempt timeout.
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(10_000);
    expect(code).toBe(0);
    const log = gateway.server.lines.join('\n');
    expect(log).toMatch(/"unfinished":3\b.*still in flight at shutdown/);
    expect(log).not.toMatch(/"level":50/);
    expect(receiver.requests).toHaveLength(3);

    // The unfinished attempts were not recorded (no failure is blamed on the endpoint); the
    // stopped instance let go of their leases, so a restart sends them again, with the same webhook-id.
    // Held again, so nothing new is recorded before the stats are read.
    const held = gate();
    receiver.reply(() => ({ wait: held.opened, status: 200 }));
    const again = await startGatewayProcess(env, gateway.key);
    await receiver.received(6);
    expect((await webhookCounts(again, webhookId)).stats).toEqual({ attempts: 0, succeeded: 0, failed: 0 });
    held.open();
    // Both counts: the two are read by separate statements, and the delivery thread's commit may land between them.
    const state = await countsWhen(again, webhookId, (counts) => counts.succeeded.totalCount >= 3 && counts.stats.attempts >= 3);
    expect(state.succeeded.totalCount).toBe(3);
    expect(state.stats).toEqual({ attempts: 3, succeeded: 3, failed: 0 });
    expect(new Set(webhookIds(receiver.requests.slice(3)))).toEqual(new Set(eventIds));

    again.server.child.kill('SIGTERM');
    expect(await again.server.exited).toBe(0);
  }, 60_000);
});
