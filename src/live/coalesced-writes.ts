import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/*
 * A live update reaches every subscription on a connection in one burst of promise callbacks:
 * with a hundred subscriptions on one socket that was a hundred frames in a hundred write
 * syscalls, a third of the main thread's time in a fan-out to 10,000 subscriptions. The
 * transport is corked at the first frame and uncorked on the next tick, once the burst's
 * microtasks have run, so its frames leave in one write.
 *
 * Not later than that: graphql-ws waits for each frame's write callback before it sends that
 * subscription's next result, so uncorking on the next event-loop turn (setImmediate) let each
 * subscription send one result per turn, and a subscriber offered 1,000 attempts a second fell
 * behind and was cut off (test/live-keeps-up.test.ts).
 */
export function coalesceWrites(socket: WebSocket, transport: Socket): void {
  const send = socket.send;
  let corked = false;
  const uncork = () => {
    corked = false;
    transport.uncork();
  };
  socket.send = function (this: WebSocket, ...args: unknown[]): void {
    if (!corked) {
      corked = true;
      transport.cork();
      process.nextTick(uncork);
    }
    Reflect.apply(send, this, args);
  };
}
