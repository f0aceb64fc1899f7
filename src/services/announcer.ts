import type { Clock } from '../clock.ts';
import { streamedEvents, type LiveFeed } from '../live/feed.ts';
import type { AfterCommit, Committed } from '../delivery/after-commit.ts';
import type { Relay } from '../live/cluster.ts';
import type { AttemptRow } from '../store/db.ts';

export type Announcer = AfterCommit & {
  /** What this process's delivery threads commit: announced here, not relayed, since a thread tells the other instances itself (engine-thread.ts). */
  fromThreads: AfterCommit;
};

/**
 * The after-commit notifier, one per process, used by every write path (services, the
 * worker's recorder on this thread, and the delivery threads' messages): subscribers hear of
 * the rows a transaction wrote (live/feed.ts), and when one of those deliveries is due now the
 * worker is woken instead of finding it at its next poll. With a relay, subscribers and
 * workers on other instances hear of it too.
 * Called only after the commit, so nobody hears of a row a rollback took back.
 */
export function createAnnouncer({
  feed,
  clock,
  wake,
  relay,
  recorded,
}: {
  feed: Pick<LiveFeed, 'committed'>;
  clock: Clock;
  wake: () => void;
  relay?: Relay;
  /** Sees each attempt this instance recorded (metrics); a failure there never stops an announcement. */
  recorded?: (attempt: AttemptRow) => void;
}): Announcer {
  /** Tells this process; returns what the other instances are to hear. */
  function here(rows: Committed): Parameters<Relay>[0] | null {
    feed.committed(rows);
    for (const attempt of rows.attempts ?? []) {
      try {
        recorded?.(attempt);
      } catch {
        // A metric lost; the attempt is announced all the same.
      }
    }
    const relayed = relayedOf(rows, clock.now());
    if (relayed?.dueNow) wake();
    return relayed;
  }
  return {
    committed(rows) {
      const relayed = here(rows);
      if (relay && relayed) relay(relayed);
    },
    fromThreads: {
      committed(rows) {
        here(rows);
      },
    },
  };
}

/**
 * What a commit tells the other instances (and whether it made something due now, so the
 * workers should look at once); null when it wrote nothing anyone listens for. The delivery
 * threads relay their own commits with it (engine-thread.ts).
 */
export function relayedOf(
  { attempts = [], deliveries = [], events = [], released = false }: Committed,
  now: number,
): Parameters<Relay>[0] | null {
  const due = released || deliveries.some((delivery) => delivery.next_attempt_at !== null && delivery.next_attempt_at <= now);
  const streamed = streamedEvents(events);
  if (attempts.length === 0 && deliveries.length === 0 && streamed.length === 0 && !released) return null;
  return { attempts, deliveries, events: streamed, dueNow: due };
}
