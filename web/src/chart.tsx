import { useEffect, useState } from 'preact/hooks';
import { request } from './api.ts';
import { ms } from './format.ts';
import { Activity } from './operations.ts';
import type { MonitorActivityQuery } from './gql/graphql.ts';

type Minute = NonNullable<MonitorActivityQuery['webhook']>['activity']['minutes'][number];

const W = 600;
const H = 140;
const PAD = 28;

/**
 * A webhook's last hour as clean SVG (no chart library: 60 bars and a line are a few dozen
 * elements): attempts per minute stacked by success and failure, and the average duration as a
 * line on its own scale. Refetched when `version` changes (a new attempt of this webhook).
 */
export function ActivityChart(props: { webhookId: string; version: number }) {
  const [data, setData] = useState<{ since: number; minutes: Minute[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    request(Activity, { id: props.webhookId })
      .then((result) => {
        if (!live || !result.webhook) return;
        setData({ since: Date.parse(result.webhook.activity.since), minutes: result.webhook.activity.minutes });
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [props.webhookId, props.version]);

  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="empty">Loading…</p>;
  const byMinute = new Map(data.minutes.map((m) => [Date.parse(m.minute), m]));
  const slots = Array.from({ length: 60 }, (_, i) => byMinute.get(data.since + i * 60_000));
  const maxCount = Math.max(1, ...data.minutes.map((m) => m.attempts));
  const maxDuration = Math.max(1, ...data.minutes.map((m) => m.avgDurationMs));
  const bar = (W - 2 * PAD) / 60;
  const y = (count: number) => ((H - 2 * PAD) * count) / maxCount;
  const line = slots
    .map((m, i) => (m ? `${PAD + i * bar + bar / 2},${H - PAD - ((H - 2 * PAD) * m.avgDurationMs) / maxDuration}` : null))
    .filter(Boolean)
    .join(' ');
  const total = data.minutes.reduce((sum, m) => sum + m.attempts, 0);
  const failed = total - data.minutes.reduce((sum, m) => sum + m.succeeded, 0);
  return (
    <figure class="chart" data-testid="activity-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Last hour: ${total} attempts, ${failed} failed`}>
        <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} class="axis" />
        {slots.map((m, i) =>
          m ? (
            <g key={i}>
              <rect x={PAD + i * bar + 1} width={bar - 2} y={H - PAD - y(m.succeeded)} height={y(m.succeeded)} class="ok" />
              <rect x={PAD + i * bar + 1} width={bar - 2} y={H - PAD - y(m.attempts)} height={y(m.attempts - m.succeeded)} class="bad" />
              <title>{`${new Date(data.since + i * 60_000).toLocaleTimeString([], { hour12: false })}: ${m.succeeded} ok, ${m.attempts - m.succeeded} failed, avg ${ms(m.avgDurationMs)}, max ${ms(m.maxDurationMs)}`}</title>
            </g>
          ) : null,
        )}
        {line && <polyline points={line} class="duration" />}
        {/* A dot per minute too: one busy minute alone makes no line. */}
        {line
          .split(' ')
          .filter(Boolean)
          .map((point) => {
            const [cx, cy] = point.split(',');
            return <circle cx={cx} cy={cy} r={2.5} class="duration-dot" />;
          })}
        <text x={PAD} y={14} class="label">{`${maxCount}/min`}</text>
        <text x={W - PAD} y={14} class="label end">{`avg ${ms(maxDuration)}`}</text>
        <text x={PAD} y={H - 8} class="label">
          −60 min
        </text>
        <text x={W - PAD} y={H - 8} class="label end">
          now
        </text>
      </svg>
      <figcaption>
        <span class="key ok" /> succeeded <span class="key bad" /> failed <span class="key duration" /> average duration · {total} attempts
        in the last hour
      </figcaption>
    </figure>
  );
}
