import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { subscribe } from './api.ts';
import { ms, time } from './format.ts';
import { Attempts } from './operations.ts';
import type { MonitorAttemptsSubscription } from './gql/graphql.ts';

export type Attempt = MonitorAttemptsSubscription['deliveryAttempts'];

/** Attempts kept on screen; older ones drop off, so a busy tenant cannot grow the page without bound. */
export const FEED_LIMIT = 200;

const RESUBSCRIBE_MS = 1_000;

/**
 * The live attempt feed: every attempt of the tenant over one subscription. Arrivals go into a
 * buffer and reach the screen once per animation frame, so 1,000 attempts a second cost one
 * render a frame rather than one each. While paused the buffer keeps the newest FEED_LIMIT.
 */
export function useAttemptFeed(onAttempt: (attempt: Attempt) => void) {
  const [attempts, setAttempts] = useState<Attempt[]>([]);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const buffer = useRef<Attempt[]>([]);
  const pausedRef = useRef(false);
  const frame = useRef(0);
  const onAttemptRef = useRef(onAttempt);
  onAttemptRef.current = onAttempt;

  const flush = () => {
    frame.current = 0;
    if (pausedRef.current || buffer.current.length === 0) return;
    const arrived = buffer.current.reverse();
    buffer.current = [];
    setAttempts((shown) => arrived.concat(shown).slice(0, FEED_LIMIT));
  };

  // A subscription that ends in an error (the gateway cuts off a tab that fell too far behind,
  // close 4429, which graphql-ws does not retry by itself) is started again a second later.
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let retry = 0;
    const stop = subscribe(
      Attempts,
      (data) => {
        setError(null);
        buffer.current.push(data.deliveryAttempts);
        if (buffer.current.length > FEED_LIMIT) buffer.current.splice(0, buffer.current.length - FEED_LIMIT);
        onAttemptRef.current(data.deliveryAttempts);
        if (!frame.current && !pausedRef.current) frame.current = requestAnimationFrame(flush);
      },
      (message, retryable) => {
        setLive(false);
        if (!retryable) return setError(message);
        setError(`${message}; reconnecting (attempts meanwhile are not shown)`);
        retry = window.setTimeout(() => setGeneration((n) => n + 1), RESUBSCRIBE_MS);
      },
      () => setLive(true),
    );
    return () => {
      clearTimeout(retry);
      stop();
    };
  }, [generation]);

  const setPause = (next: boolean) => {
    pausedRef.current = next;
    setPaused(next);
    if (!next) flush();
  };
  return { attempts, paused, setPause, buffered: paused ? buffer.current.length : 0, error, live };
}

type Filters = { webhookId: string; outcome: string; eventId: string };

const OUTCOMES = ['SUCCEEDED', 'HTTP_ERROR', 'TIMED_OUT', 'CONNECTION_ERROR', 'BLOCKED'];

export function Feed(props: {
  feed: ReturnType<typeof useAttemptFeed>;
  webhooks: { id: string; name?: string | null; url: string }[];
  open: (deliveryId: string) => void;
}) {
  const { feed, webhooks, open } = props;
  const [filters, setFilters] = useState<Filters>({ webhookId: '', outcome: '', eventId: '' });
  const names = useMemo(() => new Map(webhooks.map((w) => [w.id, w.name || w.url])), [webhooks]);
  const shown = feed.attempts.filter(
    (a) =>
      (!filters.webhookId || a.webhookId === filters.webhookId) &&
      (!filters.outcome || a.outcome === filters.outcome) &&
      (!filters.eventId || a.eventId === filters.eventId.trim()),
  );
  const set = (name: keyof Filters) => (event: Event) => setFilters({ ...filters, [name]: (event.target as HTMLInputElement).value });
  return (
    <section class="panel feed" aria-label="Live attempts">
      <header>
        <h2>Live attempts</h2>
        <span class={`live ${feed.live ? 'on' : ''}`} data-testid="feed-live" data-live={String(feed.live)}>
          {feed.live ? '● live' : 'connecting…'}
        </span>
        <button type="button" data-testid="feed-pause" onClick={() => feed.setPause(!feed.paused)}>
          {feed.paused ? `Resume${feed.buffered ? ` (${feed.buffered} new)` : ''}` : 'Pause'}
        </button>
      </header>
      <div class="filters">
        <select aria-label="Webhook" data-testid="filter-webhook" value={filters.webhookId} onChange={set('webhookId')}>
          <option value="">All webhooks</option>
          {webhooks.map((w) => (
            <option value={w.id}>{w.name || w.url}</option>
          ))}
        </select>
        <select aria-label="Outcome" data-testid="filter-outcome" value={filters.outcome} onChange={set('outcome')}>
          <option value="">All outcomes</option>
          {OUTCOMES.map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
        <input
          aria-label="Event id"
          data-testid="filter-event"
          placeholder="Event id (ev_…)"
          value={filters.eventId}
          onInput={set('eventId')}
        />
      </div>
      {feed.error && (
        <p class="error" role="alert">
          Live updates: {feed.error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Webhook</th>
            <th>Outcome</th>
            <th>Status</th>
            <th>Duration</th>
            <th>Trigger</th>
          </tr>
        </thead>
        <tbody data-testid="feed-rows">
          {shown.map((a) => (
            <tr
              key={a.id}
              data-webhook={a.webhookId}
              data-event={a.eventId}
              data-outcome={a.outcome}
              data-trigger={a.trigger}
              class="attempt"
              onClick={() => open(a.delivery.id)}
            >
              <td>{time(a.startedAt)}</td>
              <td class="ellipsis">{names.get(a.webhookId) ?? a.webhookId}</td>
              <td>
                <span class={`badge ${a.outcome === 'SUCCEEDED' ? 'ok' : 'bad'}`}>{a.outcome}</span>
              </td>
              <td>{a.responseStatus ?? '–'}</td>
              <td>{ms(a.durationMs)}</td>
              <td>{a.trigger}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && (
        <p class="empty">
          No attempts yet{filters.webhookId || filters.outcome || filters.eventId ? ' matching these filters' : ''}; they appear here as
          they happen.
        </p>
      )}
    </section>
  );
}
