import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** How often the main thread says it is alive. */
export const BEAT_MS = 500;

/** What the watchdog thread gets: the beat counter and its limit. */
export type WatchdogData = { beats: SharedArrayBuffer; limitMs: number; beatMs: number };

/**
 * The event-loop watchdog (issue 22): the main thread bumps a counter in shared memory every
 * BEAT_MS from a timer, which runs only when its loop is free; a thread of its own watches the
 * counter and, when it has not moved for `limitMs` (plus one beat, so the loop was surely held
 * that long), writes a fatal line to stderr and ends the process (src/watchdog-thread.ts). A
 * counter rather than a time: the two threads need no common clock.
 *
 * SIGTERM: node runs a signal's handler on the main loop, so while it is blocked nothing can
 * honour SIGTERM, and a worker thread cannot be sent one. Rather than a second mechanism, the
 * limit bounds it: a SIGTERM waits at most the rest of the block, which the watchdog cuts at
 * `limitMs`; keep EVENT_LOOP_WATCHDOG_SECONDS under the supervisor's stop timeout.
 *
 * Started after the app is built: SQLite migrations at start-up run on this thread and may
 * rightly take longer than the limit. `limitMs` 0: no watchdog.
 */
export function startEventLoopWatchdog(limitMs: number): void {
  if (limitMs <= 0) return;
  const beats = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const counter = new Int32Array(beats);
  setInterval(() => Atomics.add(counter, 0, 1), BEAT_MS).unref();
  const data: WatchdogData = { beats, limitMs, beatMs: BEAT_MS };
  // Same as the delivery threads (delivery/engine-threads.ts): under tsx the thread registers its hooks first.
  const entry = new URL(`./watchdog-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
  const code = entry.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`
    : `import(${JSON.stringify(entry)});`;
  // Never what keeps the process alive; it goes with the process on any exit.
  new Worker(code, { eval: true, workerData: data, name: 'event-loop-watchdog' }).unref();
}
