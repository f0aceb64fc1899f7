import WebSocket from 'ws';

/*
 * graphql-ws spoken by hand over a raw `ws` socket, as an attacker would: messages of any size
 * and any order, sent whatever the server said before, and how the socket ended.
 */

export type RawWs = {
  socket: WebSocket;
  /** Every message the server sent, parsed. */
  received: { type: string; id?: string; payload?: unknown }[];
  /** Resolves with the close code and reason once the socket is closed, whoever closed it. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** connection_init with these params; resolves once connection_ack arrives (rejects if the socket closes first). */
  init(params: Record<string, unknown>): Promise<void>;
  /** A subscribe message; resolves with the `next` or `error` payload of that id, or null when the socket closed first. */
  operation(id: string, query: string, variables?: Record<string, unknown>): Promise<unknown>;
};

export async function openRawWs(httpUrl: string): Promise<RawWs> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const received: RawWs['received'] = [];
  const listeners = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const listener of listeners) listener();
    });
  });
  socket.on('error', () => {});
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as RawWs['received'][number]);
    for (const listener of listeners) listener();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('close', (code) => reject(new Error(`closed before open: ${code}`)));
  });
  const until = <T>(found: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        listeners.delete(check);
        resolve(value);
      };
      listeners.add(check);
      check();
    });
  const send = (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  return {
    socket,
    received,
    closed,
    send,
    async init(params) {
      send({ type: 'connection_init', payload: params });
      const acked = await until(() =>
        received.some((m) => m.type === 'connection_ack') ? true : socket.readyState === WebSocket.CLOSED ? false : undefined,
      );
      if (!acked) throw new Error(`closed before connection_ack: ${JSON.stringify(await closed)}`);
    },
    operation(id, query, variables) {
      send({ id, type: 'subscribe', payload: { query, variables } });
      return until(() => {
        const answer = received.find((m) => m.id === id && (m.type === 'next' || m.type === 'error'));
        if (answer) return answer.payload ?? null;
        return socket.readyState === WebSocket.CLOSED ? null : undefined;
      });
    },
  };
}
