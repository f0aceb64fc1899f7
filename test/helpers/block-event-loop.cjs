// TEST ONLY, never loaded by the gateway itself: test/watchdog.test.ts starts the server with
// NODE_OPTIONS=--require <this file>, then sends SIGUSR2 to block the main event loop for good,
// as a runaway computation would. No client can reach this: it is a signal from the test.
'use strict';
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  process.on('SIGUSR2', () => {
    for (;;);
  });
}
