import type { WebSocket } from 'ws';

/**
 * How long a close this server starts waits for the peer's answer before the socket is destroyed.
 * `ws` waits 30 s (a fixed closeTimeout) for the peer's close frame, and a peer that stopped
 * reading never sends one: its connection, and everything its subscriptions still hold, stayed
 * for those 30 s. A peer that reads answers within milliseconds.
 */
export const CLOSE_GRACE_MS = 1_000;

/** Every `close` on this socket, from this server or graphql-ws, ends it within CLOSE_GRACE_MS. */
export function closeFirmly(socket: WebSocket): void {
  const close = socket.close;
  socket.close = function (this: WebSocket, ...args: Parameters<WebSocket['close']>): void {
    Reflect.apply(close, this, args);
    setTimeout(() => this.terminate(), CLOSE_GRACE_MS).unref();
  };
}
