/*
 * The latency trace per stage (docs/queue-design.md 2.4): where the time between a publish
 * request and its recorded attempt goes. Each thread counts into a StageTrace of its own, a flat
 * array of bucket counts, so an observation costs a bucket search and two additions; a delivery
 * thread hands its counts to the main thread with each `committed` message (engine-threads.ts),
 * where metrics/index.ts adds them up for /metrics. The stage names are written here only.
 */

/** In the order a delivery passes them; each one's span is in the metric's help (metrics/index.ts). */
export const STAGES = ['publish_commit', 'handoff', 'request_start', 'response', 'record_commit'] as const;
export type Stage = (typeof STAGES)[number];

/** How a delivery reached its attempt: `claimed` by the claim query (today's only path; `fresh` comes with the hand-over at publish). */
export const PATHS = ['claimed'] as const;
export type Path = (typeof PATHS)[number];

/** Upper bounds in seconds: fine from 0.5 ms to 500 ms, where the first-attempt targets and tails lie; coarse up to a backlog's 10 s. */
export const STAGE_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10,
] as const;

// Per stage and path: one count per bound, one past the last (+Inf), and the sum of seconds.
const WIDTH = STAGE_BUCKETS.length + 2;
const SERIES = STAGES.length * PATHS.length;

/** Counts of one stage and path as Prometheus shows them: `buckets[i]` observations at most STAGE_BUCKETS[i], the last all of them (+Inf). */
export type StageSeries = { stage: Stage; path: Path; buckets: number[]; count: number; sum: number };

export type StageCounts = Float64Array;

export function createStageTrace() {
  let counts: StageCounts = new Float64Array(SERIES * WIDTH);
  let observed = false;
  const slotOf = (stage: Stage, path: Path) => (STAGES.indexOf(stage) * PATHS.length + PATHS.indexOf(path)) * WIDTH;

  return {
    /** One observation, in seconds (negative spans, from clocks a step apart, count as 0). */
    observe(stage: Stage, path: Path, seconds: number) {
      const slot = slotOf(stage, path);
      let bucket = 0;
      while (bucket < STAGE_BUCKETS.length && seconds > STAGE_BUCKETS[bucket]!) bucket++;
      counts[slot + bucket]!++;
      counts[slot + WIDTH - 1]! += Math.max(0, seconds);
      observed = true;
    },

    /** What was counted since the last take, and a fresh start; null when nothing was (no copy sent for nothing). */
    take(): StageCounts | null {
      if (!observed) return null;
      const taken = counts;
      counts = new Float64Array(SERIES * WIDTH);
      observed = false;
      return taken;
    },

    /** Adds counts another thread took. */
    add(other: StageCounts) {
      for (let i = 0; i < counts.length; i++) counts[i]! += other[i]!;
      observed = true;
    },

    /** Every stage and path, zeros included, for the exposition. */
    series(): StageSeries[] {
      return STAGES.flatMap((stage) =>
        PATHS.map((path) => {
          const slot = slotOf(stage, path);
          const buckets: number[] = [];
          let count = 0;
          for (let i = 0; i < WIDTH - 1; i++) {
            count += counts[slot + i]!;
            buckets.push(count);
          }
          return { stage, path, buckets, count, sum: counts[slot + WIDTH - 1]! };
        }),
      );
    },
  };
}

export type StageTrace = ReturnType<typeof createStageTrace>;

/** Seconds between two performance.now() readings: the stages on one thread. */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;
