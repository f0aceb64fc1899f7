import { useState } from 'preact/hooks';
import { refusal, request } from './api.ts';
import { ActivityChart } from './chart.tsx';
import { ago, ms, percent } from './format.ts';
import { FailedSince, RedeliverFailed, SendTest, SetEnabled } from './operations.ts';
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

/** Counts the webhook's FAILED deliveries since `since` (the newest 100 at most) before asking to recover them. */
async function failedSince(id: string, since: number): Promise<string> {
  const { webhook } = await request(FailedSince, { id });
  const nodes = webhook?.deliveries.nodes ?? [];
  const count = nodes.filter((d) => Date.parse(d.createdAt) >= since).length;
  return count === nodes.length && webhook?.deliveries.pageInfo.hasNextPage ? `${count}+` : String(count);
}

function Recover(props: { webhook: WebhookRow; onDone: (message: string) => void }) {
  const [hours, setHours] = useState(1);
  const [count, setCount] = useState<string | null>(null);
  const since = () => Date.now() - hours * 3_600_000;
  return (
    <div class="recover">
      <label>
        Recover failed deliveries of the last{' '}
        <select value={hours} onChange={(e) => (setHours(Number((e.target as HTMLSelectElement).value)), setCount(null))} aria-label="Recover since">
          {[1, 6, 24, 72, 168].map((h) => (
            <option value={h}>{h < 24 ? `${h} h` : `${h / 24} d`}</option>
          ))}
        </select>
      </label>
      {count === null ? (
        <button type="button" onClick={() => failedSince(props.webhook.id, since()).then(setCount, (e: Error) => props.onDone(e.message))}>
          Count
        </button>
      ) : (
        <button
          type="button"
          data-testid="recover-confirm"
          disabled={count === '0'}
          onClick={() =>
            act(
              () => request(RedeliverFailed, { id: props.webhook.id, since: new Date(since()).toISOString() }).then((r) => r.redeliverFailed),
              'Recovery queued',
            ).then((message) => (setCount(null), props.onDone(message)))
          }
        >
          Redeliver {count} failed
        </button>
      )}
    </div>
  );
}

export function Webhooks(props: { webhooks: WebhookRow[]; total: number; versions: Map<string, number>; refresh: () => void; more: () => void }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ id: string; text: string } | null>(null);
  const say = (id: string) => (text: string) => (setNotice({ id, text }), props.refresh());
  return (
    <section class="panel webhooks" aria-label="Webhooks">
      <header>
        <h2>Webhooks</h2>
        <span class="muted" data-testid="webhook-count">{props.total > props.webhooks.length ? `${props.webhooks.length} of ${props.total}` : `${props.total}`}</span>
      </header>
      {props.webhooks.length === 0 && <p class="empty">No webhooks for this tenant yet.</p>}
      <ul class="webhook-list">
        {props.webhooks.map((w) => (
          <li key={w.id} class="webhook" data-testid="webhook" data-id={w.id}>
            <div class="row">
              <button type="button" class="name link" onClick={() => setSelected(selected === w.id ? null : w.id)} aria-expanded={selected === w.id}>
                {w.name || 'unnamed'}
              </button>
              <span class={`badge ${w.enabled ? 'ok' : 'bad'}`} data-testid="webhook-state">
                {w.enabled ? 'enabled' : 'disabled'}
              </span>
            </div>
            <div class="url ellipsis" title={w.url}>{w.url}</div>
            <div class="topics">{w.topics.join(', ')}</div>
            {!w.enabled && w.disabledReason && (
              <div class="reason" data-testid="disabled-reason">
                {w.disabledReason}
              </div>
            )}
            <dl class="health">
              <div><dt>24 h success</dt><dd>{percent(w.day.succeeded, w.day.attempts)} <small>of {w.day.attempts}</small></dd></div>
              <div><dt>p50 / p99</dt><dd>{ms(w.day.p50DurationMs)} / {ms(w.day.p99DurationMs)}</dd></div>
              <div><dt>Last attempt</dt><dd>{ago(w.stats.lastAttemptAt)}</dd></div>
              <div><dt>Failures in a row</dt><dd class={w.stats.consecutiveFailures > 0 ? 'bad-text' : ''} data-testid="failure-run">{w.stats.consecutiveFailures}</dd></div>
            </dl>
            <div class="actions">
              <button type="button" onClick={() => act(() => request(SetEnabled, { id: w.id, enabled: !w.enabled }).then((r) => r.updateWebhook), w.enabled ? 'Disabled' : 'Enabled').then(say(w.id))}>
                {w.enabled ? 'Disable' : 'Enable'}
              </button>
              <button type="button" onClick={() => act(() => request(SendTest, { id: w.id }).then((r) => r.sendTestEvent), 'Test event sent').then(say(w.id))}>
                Send test event
              </button>
            </div>
            {notice?.id === w.id && <p class="notice" role="status" data-testid="webhook-notice">{notice.text}</p>}
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
