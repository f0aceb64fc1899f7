import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionCap } from '../src/http-limits.ts';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { openRawWs, type RawWs } from './helpers/raw-ws.ts';

/*
 * Issue 22 row 7: one key opened ~20,000 idle graphql-ws connections, and raw TCP connections
 * that sent nothing were held 70 s and more, until the process ran out of descriptors and
 * every tenant's requests and deliveries failed. Against the server process, with small limits.
 */

const LIMITS = {
  MAX_WS_CONNECTIONS_PER_KEY: '3',
  MAX_WAITING_CONNECTIONS_PER_ADDRESS: '4',
  HTTP_HEADERS_TIMEOUT_SECONDS: '1',
  HTTP_REQUEST_TIMEOUT_SECONDS: '2',
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
};

const TOO_MANY = 1013;
const dir = mkdtempSync(join(tmpdir(), 'gateway-connection-limits-'));
let gw: GatewayProcess;
const port = () => Number(new URL(gw.url).port);

beforeAll(async () => {
  gw = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), ...LIMITS });
});
afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

/** A raw TCP connection and when the server ended it. */
async function rawTcp(): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port(), '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed };
}

describe('HTTP connections that send nothing, or too little', () => {
  it('closes a raw TCP connection that sends no byte within the headers timeout', async () => {
    const { closed } = await rawTcp();
    expect(await within(closed, 6_000)).not.toBe('timeout');
  });

  it('closes a connection whose request headers never end within the headers timeout', async () => {
    const { socket, closed } = await rawTcp();
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n');
    expect(await within(closed, 6_000)).not.toBe('timeout');
  });

  it(`closes an address's connection past ${LIMITS.MAX_WAITING_CONNECTIONS_PER_ADDRESS} that have sent no request yet, at once`, async () => {
    const silent = [];
    for (let i = 0; i < Number(LIMITS.MAX_WAITING_CONNECTIONS_PER_ADDRESS); i++) silent.push(await rawTcp());
    const over = await rawTcp();
    expect(await within(over.closed, 300)).not.toBe('timeout');
    expect(silent.filter(({ socket }) => socket.destroyed)).toEqual([]);
    for (const { socket } of silent) socket.destroy();
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { socket, closed } = await rawTcp();
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await within(closed, 6_000)).not.toBe('timeout');
  });
});

describe('graphql-ws connections', () => {
  it('closes a WebSocket that never sends connection_init (4408)', async () => {
    const ws = await openRawWs(gw.url);
    expect(await within(ws.closed, 8_000)).toMatchObject({ code: 4408 });
  });

  it(`refuses a key's connection past ${LIMITS.MAX_WS_CONNECTIONS_PER_KEY} (${TOO_MANY}) and takes one again once another closed`, async () => {
    const open: RawWs[] = [];
    for (let i = 0; i < Number(LIMITS.MAX_WS_CONNECTIONS_PER_KEY); i++) {
      const ws = await openRawWs(gw.url);
      await ws.init({ apiKey: gw.key });
      open.push(ws);
    }
    const extra = await openRawWs(gw.url);
    await expect(extra.init({ apiKey: gw.key })).rejects.toThrow();
    expect(await extra.closed).toMatchObject({ code: TOO_MANY });
    open.pop()!.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await openRawWs(gw.url);
    await again.init({ apiKey: gw.key });
    for (const ws of [...open, again]) ws.socket.close();
  });

  it(`refuses an address's unauthenticated WebSocket past ${LIMITS.MAX_WAITING_CONNECTIONS_PER_ADDRESS} (${TOO_MANY})`, async () => {
    const waiting: RawWs[] = [];
    for (let i = 0; i < Number(LIMITS.MAX_WAITING_CONNECTIONS_PER_ADDRESS); i++) waiting.push(await openRawWs(gw.url));
    const extra = await openRawWs(gw.url).catch(() => null);
    expect(extra === null ? { code: TOO_MANY } : await within(extra.closed, 1_000)).toMatchObject({ code: TOO_MANY });
    // One of them authenticates: its slot is free for another.
    await waiting[0]!.init({ apiKey: gw.key });
    const next = await openRawWs(gw.url);
    expect(await within(next.closed, 300)).toBe('timeout');
    for (const ws of [...waiting, next]) ws.socket.close();
  });
});

describe('the descriptor reserve', () => {
  it('caps HTTP connections below the soft RLIMIT_NOFILE, keeping a reserve for deliveries and the database', async () => {
    const limits = readFileSync(`/proc/${gw.server.child.pid}/limits`, 'utf8');
    const soft = Number(/Max open files\s+(\d+)/.exec(limits)![1]);
    const listening = JSON.parse(gw.server.lines.find((line) => line.includes('gateway listening'))!) as { maxConnections?: number };
    expect(listening.maxConnections).toBe(connectionCap(soft, { deliveryConcurrency: 64, databasePoolSize: 10 }));
    expect(listening.maxConnections).toBeLessThan(soft);
  });

  it.each([
    [1_024, 1_024 - 256],
    [20_000, 15_000],
    [1_048_576, 786_432],
  ])('connectionCap(%i) is %i', (limit, cap) => {
    expect(connectionCap(limit, { deliveryConcurrency: 64, databasePoolSize: 10 })).toBe(cap);
  });
  it('keeps room for a large delivery concurrency', () => {
    expect(connectionCap(4_096, { deliveryConcurrency: 2_000, databasePoolSize: 100 })).toBe(4_096 - 2_000 - 100 - 128);
  });
});

describe('MAX_CONNECTIONS', () => {
  it('closes a connection past the cap at once, and serves again once one is gone', async () => {
    const capped = await startGatewayProcess({ DATABASE_PATH: join(dir, 'capped.db'), MAX_CONNECTIONS: '3' });
    const at = Number(new URL(capped.url).port);
    const open = async () => {
      const socket = connect(at, '127.0.0.1');
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      return { socket, closed };
    };
    const held = [await open(), await open(), await open()];
    const over = await open();
    expect(await within(over.closed, 2_000)).not.toBe('timeout');
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(capped.url.replace(/\/graphql$/, '/healthz'));
    expect(response.status).toBe(200);
    for (const { socket } of held) socket.destroy();
  });
});
