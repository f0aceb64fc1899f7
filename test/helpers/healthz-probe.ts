import { spawn } from 'node:child_process';

/**
 * /healthz round trips (status and milliseconds), timed from a process of its own every
 * `everyMs` while `during` runs: the test's own thread is busy with what its subscriptions
 * receive, and must not be what is timed. `gatewayUrl` is the GraphQL URL.
 */
export async function healthzWhile(
  gatewayUrl: string,
  during: Promise<unknown>,
  everyMs: number,
): Promise<{ status: number; ms: number }[]> {
  const url = gatewayUrl.replace(/\/graphql$/, '/healthz');
  const script = `
    const times = [];
    process.stdin.on('data', () => { console.log(JSON.stringify(times)); process.exit(0); });
    (async () => { for (;;) {
      const started = performance.now();
      const status = await fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(10000) }).then(async (r) => { await r.text(); return r.status; }).catch(() => 0);
      times.push({ status, ms: performance.now() - started });
      await new Promise((resolve) => setTimeout(resolve, ${everyMs}));
    } })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await during;
  } finally {
    child.stdin.write('stop\n');
    await exited;
  }
  return JSON.parse(output) as { status: number; ms: number }[];
}
