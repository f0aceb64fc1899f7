import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';

// Issue 22, point 7: a main event loop held by one request (30 levels of fragments held it for
// minutes, SIGTERM ignored) must end the process, so a supervisor restarts it and its delivery
// leases return. The real server process; test/helpers/block-event-loop.cjs blocks its loop on SIGUSR2.

const BLOCKER = new URL('./helpers/block-event-loop.cjs', import.meta.url).pathname;
/** What the watchdog ends the process with (see src/watchdog.ts): a shell or supervisor sees 137. */
const WATCHDOG_SIGNAL = 'SIGKILL';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-watchdog-'));
});
afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function start(watchdogSeconds: string): Promise<GatewayProcess & { stderr: () => string }> {
  const gateway = await startGatewayProcess({
    DATABASE_PATH: join(dir, `gateway-${n++}.db`),
    EVENT_LOOP_WATCHDOG_SECONDS: watchdogSeconds,
    NODE_OPTIONS: `--require ${BLOCKER}`,
  });
  let stderr = '';
  gateway.server.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { ...gateway, stderr: () => stderr };
}

/** How the process ended, or 'running' if it had not within `ms`. */
async function endWithin(
  gateway: GatewayProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number } | 'running'> {
  const started = performance.now();
  const ended = await Promise.race([
    gateway.server.exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
  if (!ended) return 'running';
  return { code: gateway.server.child.exitCode, signal: gateway.server.child.signalCode, afterMs: performance.now() - started };
}

const block = (gateway: GatewayProcess) => gateway.server.child.kill('SIGUSR2');

describe('event loop watchdog', () => {
  it('ends a process whose main loop is blocked past the limit, with its own signal and a fatal log line', async () => {
    const gateway = await start('2');
    block(gateway);
    const end = await endWithin(gateway, 2_000 + 6_000);
    expect(end).not.toBe('running');
    expect(end).toMatchObject({ code: null, signal: WATCHDOG_SIGNAL });
    const line = gateway
      .stderr()
      .split('\n')
      .find((l) => l.includes('event loop blocked'));
    expect(line).toBeDefined();
    const logged = JSON.parse(line!) as Record<string, unknown>;
    expect(logged).toMatchObject({ level: 60, msg: 'event loop blocked', limitMs: 2_000, signal: WATCHDOG_SIGNAL });
    expect(logged.blockedMs).toBeGreaterThanOrEqual(2_000);
  }, 30_000);

  it('honours a SIGTERM sent while the loop is blocked within the limit', async () => {
    const gateway = await start('3');
    block(gateway);
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.server.child.kill('SIGTERM');
    const end = await endWithin(gateway, 3_000 + 6_000);
    expect(end).not.toBe('running');
    expect(end).toMatchObject({ signal: WATCHDOG_SIGNAL });
  }, 30_000);

  it('EVENT_LOOP_WATCHDOG_SECONDS=0 turns it off: a blocked process is left alone', async () => {
    const gateway = await start('0');
    block(gateway);
    expect(await endWithin(gateway, 6_000)).toBe('running');
    gateway.server.child.kill('SIGKILL');
  }, 30_000);

  it('leaves a process that is merely busy alone, even at a tight limit', async () => {
    const gateway = await start('1');
    const until = performance.now() + 6_000;
    let answered = 0;
    while (performance.now() < until) {
      const healthz = await fetch(new URL('/healthz', gateway.url));
      expect(healthz.status).toBe(200);
      answered++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answered).toBeGreaterThan(10);
    expect(gateway.server.child.exitCode).toBeNull();
    expect(gateway.server.child.signalCode).toBeNull();
    expect(gateway.stderr()).not.toContain('event loop blocked');
  }, 30_000);
});
