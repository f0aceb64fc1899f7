import { useEffect, useState } from 'preact/hooks';
import { refusal, request } from './api.ts';
import { ms } from './format.ts';
import { DeliveryPage, Redeliver } from './operations.ts';
import type { MonitorDeliveryQuery } from './gql/graphql.ts';

type Delivery = NonNullable<MonitorDeliveryQuery['delivery']>;

export function DeliveryView(props: { id: string; version: number; back: () => void }) {
  const [delivery, setDelivery] = useState<Delivery | null | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    request(DeliveryPage, { id: props.id }).then(
      (r) => setDelivery(r.delivery),
      (e: Error) => setMessage(e.message),
    );
  }, [props.id, props.version, reload]);

  const redeliver = async () => {
    try {
      const result = (await request(Redeliver, { id: props.id })).redeliver;
      setMessage(refusal(result) ?? 'Redelivery queued; the attempt appears below when it finishes.');
    } catch (e) {
      setMessage((e as Error).message);
    }
    setReload((n) => n + 1);
  };

  if (delivery === undefined) return <section class="panel">{message ?? 'Loading…'}</section>;
  if (delivery === null)
    return (
      <section class="panel">
        <button type="button" class="link" onClick={props.back}>
          ← Monitor
        </button>
        <p>No delivery {props.id} for this key's tenant.</p>
      </section>
    );
  return (
    <section class="panel delivery" aria-label="Delivery" data-testid="delivery">
      <header>
        <button type="button" class="link" onClick={props.back}>
          ← Monitor
        </button>
        <h2>Delivery {delivery.id}</h2>
        <span
          class={`badge ${delivery.status === 'SUCCEEDED' ? 'ok' : delivery.status === 'FAILED' ? 'bad' : ''}`}
          data-testid="delivery-status"
        >
          {delivery.status}
        </span>
        <button type="button" data-testid="redeliver" onClick={redeliver}>
          Redeliver
        </button>
      </header>
      {message && (
        <p class="notice" role="status" data-testid="delivery-notice">
          {message}
        </p>
      )}
      <p class="muted">
        {delivery.event.topic} to {delivery.webhook?.name || delivery.webhook?.url || `deleted webhook ${delivery.webhookId}`} · event{' '}
        {delivery.event.id} · {delivery.attemptCount} attempts
        {delivery.orderingKey && <> · ordering key {delivery.orderingKey}</>}
      </p>
      {delivery.waitingFor && (
        <p class="notice" data-testid="delivery-waiting">
          Waiting for delivery {delivery.waitingFor.id} ({delivery.waitingFor.status}), the one of its ordering key being attempted now.
        </p>
      )}
      <h3>Payload</h3>
      <pre class="payload">{JSON.stringify(delivery.event.payload, null, 2)}</pre>
      <h3>Attempts</h3>
      <ol class="attempts" data-testid="delivery-attempts">
        {delivery.attempts.map((a) => (
          <li key={a.id} data-trigger={a.trigger} data-outcome={a.outcome}>
            <div class="row">
              <strong>#{a.attemptNumber}</strong> <span class={`badge ${a.outcome === 'SUCCEEDED' ? 'ok' : 'bad'}`}>{a.outcome}</span>{' '}
              <span>{a.trigger}</span>
              <span>status {a.responseStatus ?? '–'}</span>
              {a.receiverDirective && (
                <span class="badge" title="the endpoint's webhook-delivery header">
                  {a.receiverDirective === 'DISABLE' ? 'endpoint asked: disable' : 'endpoint asked: no retries'}
                </span>
              )}{' '}
              <span>{ms(a.durationMs)}</span> <span class="muted">{new Date(a.startedAt).toLocaleString()}</span>
            </div>
            {a.error && <div class="bad-text">{a.error}</div>}
            {a.requestHeaders && (
              <details class="sent" data-testid="attempt-headers">
                <summary>Request headers</summary>
                <table class="headers">
                  {a.requestHeaders.map((h) => (
                    <tr>
                      <th>{h.name}</th>
                      <td>{h.value}</td>
                    </tr>
                  ))}
                </table>
              </details>
            )}
            {a.responseBody && <pre class="body">{a.responseBody.slice(0, 500)}</pre>}
          </li>
        ))}
      </ol>
    </section>
  );
}
