import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { workerData } from 'node:worker_threads';
import type { WatchdogData } from './watchdog.ts';

/**
 * The watchdog's thread (src/watchdog.ts starts it). It ends the whole process with SIGKILL:
 * from a worker thread process.exit() ends only the thread and process.abort() is not there, so
 * a signal to the process is the only way out, and no exit code can be chosen. SIGKILL, because
 * nothing can catch, block or delay it (the main thread is stuck and could not run a handler) and
 * it writes no core dump of a possibly huge heap. Supervisors see it killed by signal 9: exit
 * status 137. The gateway itself never sends SIGKILL; the fatal line before it tells this case
 * from the kernel's out-of-memory killer.
 */
const { beats, limitMs, beatMs } = workerData as WatchdogData;
const counter = new Int32Array(beats);
const SIGNAL = 'SIGKILL';

let lastBeat = Atomics.load(counter, 0);
let lastBeatAt = performance.now();

setInterval(
  () => {
    const beat = Atomics.load(counter, 0);
    const now = performance.now();
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastBeatAt = now;
      return;
    }
    const silentMs = now - lastBeatAt;
    if (silentMs < limitMs + beatMs) return;
    // pino's shape on stderr, written synchronously: the process ends on the next line.
    const line = {
      level: 60,
      time: Date.now(),
      pid: process.pid,
      hostname: hostname(),
      msg: 'event loop blocked',
      blockedMs: Math.round(silentMs),
      limitMs,
      signal: SIGNAL,
      rssBytes: process.memoryUsage.rss(),
    };
    writeSync(2, `${JSON.stringify(line)}\n`);
    process.kill(process.pid, SIGNAL);
  },
  Math.min(250, Math.max(50, limitMs / 4)),
);
