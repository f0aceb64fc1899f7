import type { Socket } from 'node:net';

/*
 * A live client that stops reading: its socket's send buffer fills and never drains. graphql-ws
 * and SSE send a subscription's next result only once the last one was written, so what waits
 * grows instead behind it, in the subscription's queue and its results executed ahead
 * (LIVE_BUFFER_SIZE updates per subscription, each possibly carrying a 256 KiB payload), until
 * the queue overflows. A watched socket whose buffer has not emptied for `stallMs`, or that
 * holds more than `maxBytes`, is cut off at once instead.
 *
 * One timer samples every watched socket, and runs only while there are some; a 'drain' between
 * two samples counts as emptied.
 */
export type StallLimits = { stallMs: number; maxBytes: number };

// A class, not a closure per socket: one lives per live connection.
class Watched {
  /** When the buffer was first seen holding data since it last emptied; null: empty. */
  since: number | null = null;

  constructor(readonly cut: () => void) {}

  drained(): void {
    this.since = null;
  }
}

export function createStallWatch(limits: StallLimits) {
  const watched = new Map<Socket, Watched>();
  const every = Math.min(1_000, Math.max(50, limits.stallMs / 4));
  let timer: NodeJS.Timeout | null = null;

  const sample = () => {
    const now = performance.now();
    for (const [socket, state] of watched) {
      const waiting = socket.writableLength;
      if (waiting === 0) {
        state.since = null;
        continue;
      }
      state.since ??= now;
      if (waiting > limits.maxBytes || now - state.since >= limits.stallMs) {
        watched.delete(socket);
        state.cut();
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  return {
    /** Calls `cut` once if this socket stalls; watching it again changes nothing. */
    watch(socket: Socket, cut: () => void): void {
      if (watched.has(socket) || socket.destroyed) return;
      const state = new Watched(cut);
      watched.set(socket, state);
      socket.on('drain', () => state.drained());
      socket.once('close', () => watched.delete(socket));
      timer ??= setInterval(sample, every).unref();
    },
  };
}

export type StallWatch = ReturnType<typeof createStallWatch>;
