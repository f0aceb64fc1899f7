import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { coalesceWrites } from '../src/live/coalesced-writes.ts';

/*
 * Internals (live/coalesced-writes.ts): frames sent to one WebSocket in one burst of callbacks
 * leave in one write to the transport, and every one of them arrives, in order. The
 * writes are counted at the transport's stream methods (`_write` for one chunk, `_writev` for
 * several), which is where each turn's frames become syscalls.
 */

const server = createServer();
const wss = new WebSocketServer({ server });
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise((resolve) => wss.close(resolve));
  await new Promise((resolve) => server.close(resolve));
});

/** Opens a client; resolves with the server's side of it, its transport's write count, and what the client received. */
async function connect() {
  const accepted = new Promise<[WebSocket, IncomingMessage]>((resolve) =>
    wss.once('connection', (socket, request) => resolve([socket, request])),
  );
  const client = new WebSocket(url);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  const [socket, request] = await accepted;
  const transport: Socket = request.socket;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = transport[method];
    if (!original) continue;
    transport[method] = function (this: Socket, ...args: never[]) {
      writes++;
      return Reflect.apply(original, this, args);
    } as never;
  }
  await new Promise((resolve) => client.once('open', resolve));
  return { socket, transport, received, writes: () => writes, client };
}

const frames = Array.from({ length: 100 }, (_, i) => `{"id":"${i}","type":"next"}`);
const turn = () => new Promise((resolve) => setImmediate(resolve));
const arrived = async (received: string[], count: number) => {
  for (let i = 0; i < 200 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

it('sends the frames of one burst in one write, all of them in order', async () => {
  const { socket, transport, received, writes, client } = await connect();
  coalesceWrites(socket, transport);
  for (const frame of frames) socket.send(frame);
  await arrived(received, frames.length);
  expect(received).toEqual(frames);
  expect(writes()).toBe(1);
  // A later turn's frame goes out in a write of its own: the transport was uncorked.
  await turn();
  socket.send('later');
  await arrived(received, frames.length + 1);
  expect(received.at(-1)).toBe('later');
  expect(writes()).toBe(2);
  client.close();
});

it('without it, each frame is a write of its own (what the test above would see)', async () => {
  const { socket, received, writes, client } = await connect();
  for (const frame of frames) socket.send(frame);
  await arrived(received, frames.length);
  expect(received).toEqual(frames);
  expect(writes()).toBe(frames.length);
  client.close();
});
