import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';
import { openRawWs } from './helpers/raw-ws.ts';

/*
 * Issue 22 row 5: graphql-ws messages were read up to ws's default 100 MiB, before any key was
 * checked: a 90 MB connection_init held the server for seconds and took a gigabyte. They are
 * capped like HTTP bodies (1 MiB), and at 64 KiB until connection_init is accepted.
 */

const gw = rawGatewayForFile();

const MiB = 1024 * 1024;
const TOO_BIG = 1009;

/** The server process's resident memory, in bytes. */
function serverRss(): number {
  const status = readFileSync(`/proc/${gw.gateway.server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function healthy(): Promise<number> {
  const response = await fetch(gw.gateway.url.replace(/\/graphql$/, '/healthz'));
  await response.text();
  return response.status;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

/** A message of about `bytes`, valid JSON, its bulk in a field the server would have to read. */
const padded = (message: Record<string, unknown>, bytes: number) => JSON.stringify({ ...message, pad: 'x'.repeat(bytes) });

describe('graphql-ws message size', () => {
  it('refuses a 2 MB connection_init and a 30 MB one (1009), while /healthz answers and memory stays put', async () => {
    const rssBefore = serverRss();
    for (const size of [2 * MiB, 30 * MiB]) {
      const ws = await openRawWs(gw.gateway.url);
      ws.send(padded({ type: 'connection_init', payload: { apiKey: gw.gateway.key } }, size));
      expect(await within(ws.closed, 10_000)).toMatchObject({ code: TOO_BIG });
      expect(ws.received.filter((m) => m.type === 'connection_ack')).toEqual([]);
      expect(await healthy()).toBe(200);
    }
    expect(serverRss() - rssBefore).toBeLessThan(40 * MiB);
  });

  it('refuses a connection_init over 64 KiB before authentication, even with a valid key', async () => {
    const ws = await openRawWs(gw.gateway.url);
    ws.send(padded({ type: 'connection_init', payload: { apiKey: gw.gateway.key } }, 100 * 1024));
    expect(await within(ws.closed, 10_000)).toMatchObject({ code: TOO_BIG });
    expect(ws.received.filter((m) => m.type === 'connection_ack')).toEqual([]);
  });

  it('after authentication, answers a 100 KB operation and refuses a 2 MB one (1009)', async () => {
    const ws = await openRawWs(gw.gateway.url);
    await ws.init({ apiKey: gw.gateway.key });
    const comment = `# ${'x'.repeat(100 * 1024)}\n`;
    expect(await ws.operation('fits', `${comment}{ viewer { tenantName } }`)).toMatchObject({
      data: { viewer: { tenantName: 'default' } },
    });
    ws.send({ id: 'big', type: 'subscribe', payload: { query: `# ${'x'.repeat(2 * MiB)}\n{ viewer { tenantName } }` } });
    expect(await within(ws.closed, 10_000)).toMatchObject({ code: TOO_BIG });
    expect(ws.received.filter((m) => m.id === 'big')).toEqual([]);
    expect(await healthy()).toBe(200);
  });
});
