import { useState } from 'preact/hooks';
import { refusal, request } from './api.ts';
import { ActivityChart } from './chart.tsx';
import { ago, ms, percent } from './format.ts';
import { RecoverDeliveries, SendTest, SetEnabled } from './operations.ts';
import type { MonitorWebhooksQuery } from './gql/graphql.ts';

export type WebhookRow = MonitorWebhooksQuery['webhooks']['nodes'][number];

/** Runs a mutation and says what came of it: the refusal (with the scope it needs) or `done`. */
async function act(run: () => Promise<{ __typename: string; message?: string; requiredScope?: string }>, done: string): Promise<string> {
  try {
    return refusal(await run()) ?? done;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A recovery window fixed when it is counted, so what is confirmed is exactly what was counted. */
type Counted = { since: string; until: string; count: number };

/**
 * Recovers a webhook's FAILED deliveries since a time in two steps: a dry run of
 * recoverDeliveries counts them exactly (nothing sent), then Confirm resends that same window,
 * and Cancel drops it.
 */
function Recover(props: { webhook: WebhookRow; onDone: (message: string) => void }) {
  const [hours, setHours] = useState(1);
  const [counted, setCounted] = useState<Counted | null>(null);
  const recover = (window: Omit<Counted, 'count'>, dryRun: boolean) =>
    request(RecoverDeliveries, { id: props.webhook.id, ...window, dryRun }).then((r) => r.recoverDeliveries);
  const count = async () => {
    const now = Date.now();
    const window = { since: new Date(now - hours * 3_600_000).toISOString(), until: new Date(now + 1).toISOString() };
    try {
      const result = await recover(window, true);
      if (result.__typename === 'RecoverDeliveriesSuccess') setCounted({ ...window, count: result.count });
      else props.onDone(refusal(result) ?? result.__typename);
    } catch (e) {
      props.onDone((e as Error).message);
    }
  };
  const confirm = (window: Counted) =>
    act(() => recover(window, false), `Recovery queued: ${window.count} ${window.count === 1 ? 'delivery' : 'deliveries'}`).then(
      (message) => {
        setCounted(null);
        props.onDone(message);
      },
    );
  return (
    <div class="recover">
      <label>
        Recover failed deliveries of the last{' '}
        <select
          value={hours}
          onChange={(e) => {
            setHours(Number((e.target as HTMLSelectElement).value));
            setCounted(null);
          }}
          aria-label="Recover since"
        >
          {[1, 6, 24, 72, 168].map((h) => (
            <option value={h}>{h < 24 ? `${h} h` : `${h / 24} d`}</option>
          ))}
        </select>
      </label>
      {counted === null ? (
        <button type="button" data-testid="recover-count" onClick={count}>
          Count
        </button>
      ) : (
        // biome-ignore lint/a11y/useSemanticElements: an inline confirmation inside a table cell; a fieldset would break the row's layout
        <span class="confirm" role="group" aria-label="Confirm recovery">
          <span data-testid="recover-counted">
            {counted.count} failed {counted.count === 1 ? 'delivery' : 'deliveries'}
          </span>
          <button type="button" data-testid="recover-confirm" disabled={counted.count === 0} onClick={() => confirm(counted)}>
            Redeliver {counted.count}
          </button>
          <button type="button" data-testid="recover-cancel" onClick={() => setCounted(null)}>
            Cancel
          </button>
        </span>
      )}
    </div>
  );
}

export function Webhooks(props: {
  webhooks: WebhookRow[];
  total: number;
  versions: Map<string, number>;
  refresh: () => void;
  more: () => void;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ id: string; text: string } | null>(null);
  const say = (id: string) => (text: string) => {
    setNotice({ id, text });
    props.refresh();
  };
  return (
    <section class="panel webhooks" aria-label="Webhooks">
      <header>
        <h2>Webhooks</h2>
        <span class="muted" data-testid="webhook-count">
          {props.total > props.webhooks.length ? `${props.webhooks.length} of ${props.total}` : `${props.total}`}
        </span>
      </header>
      {props.webhooks.length === 0 && <p class="empty">No webhooks for this tenant yet.</p>}
      <ul class="webhook-list">
        {props.webhooks.map((w) => (
          <li key={w.id} class="webhook" data-testid="webhook" data-id={w.id}>
            <div class="row">
              <button
                type="button"
                class="name link"
                onClick={() => setSelected(selected === w.id ? null : w.id)}
                aria-expanded={selected === w.id}
              >
                {w.name || 'unnamed'}
              </button>
              <span class={`badge ${w.enabled ? 'ok' : 'bad'}`} data-testid="webhook-state">
                {w.enabled ? 'enabled' : 'disabled'}
              </span>
            </div>
            <div class="url ellipsis" title={w.url}>
              {w.url}
            </div>
            <div class="topics">{w.topics.join(', ')}</div>
            {!w.enabled && w.disabledReason && (
              <div class="reason" data-testid="disabled-reason">
                {w.disabledReason}
              </div>
            )}
            <dl class="health">
              <div>
                <dt>24 h success</dt>
                <dd>
                  {percent(w.day.succeeded, w.day.attempts)} <small>of {w.day.attempts}</small>
                </dd>
              </div>
              <div>
                <dt>p50 / p99</dt>
                <dd>
                  {ms(w.day.p50DurationMs)} / {ms(w.day.p99DurationMs)}
                </dd>
              </div>
              <div>
                <dt>Last attempt</dt>
                <dd>{ago(w.stats.lastAttemptAt)}</dd>
              </div>
              <div>
                <dt>Failures in a row</dt>
                <dd class={w.stats.consecutiveFailures > 0 ? 'bad-text' : ''} data-testid="failure-run">
                  {w.stats.consecutiveFailures}
                </dd>
              </div>
            </dl>
            <div class="actions">
              <button
                type="button"
                onClick={() =>
                  act(
                    () => request(SetEnabled, { id: w.id, enabled: !w.enabled }).then((r) => r.updateWebhook),
                    w.enabled ? 'Disabled' : 'Enabled',
                  ).then(say(w.id))
                }
              >
                {w.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                onClick={() => act(() => request(SendTest, { id: w.id }).then((r) => r.sendTestEvent), 'Test event sent').then(say(w.id))}
              >
                Send test event
              </button>
            </div>
            {notice?.id === w.id && (
              <p class="notice" role="status" data-testid="webhook-notice">
                {notice.text}
              </p>
            )}
            {selected === w.id && (
              <>
                <ActivityChart webhookId={w.id} version={props.versions.get(w.id) ?? 0} />
                <Recover webhook={w} onDone={say(w.id)} />
              </>
            )}
          </li>
        ))}
      </ul>
      {props.total > props.webhooks.length && (
        <button type="button" class="more" onClick={props.more}>
          Show more ({props.total - props.webhooks.length} not shown)
        </button>
      )}
    </section>
  );
}
