import type { LiveAttempt, LiveTopics } from '../live/feed.ts';
import { isReservedTopic } from '../domain/operational-events.ts';
import type { DeliveryRow, EventRow } from '../store/db.ts';
import { builder } from './builder.ts';
import { AttemptOutcomeEnum, DeliveryAttemptNode, DeliveryNode, primeDelivery } from './delivery.ts';
import { EventNode } from './event.ts';
import type { Context } from './context.ts';

/**
 * A subscription's stream: this tenant's rows on one topic, narrowed on the server, through a
 * bounded buffer. Another tenant's ids simply never match.
 */
function liveRows<T extends keyof LiveTopics>(context: Context, topic: T, wanted: (row: LiveTopics[T][1]) => boolean) {
  let stop = () => {};
  const stream = context.live.registry.open<LiveTopics[T][1]>(
    context.principal,
    context.live.connection,
    context.live.updateBytes ?? 0,
    () => stop(),
  );
  stop = context.feed.listen(topic, context.principal.tenantId, (row) => {
    if (wanted(row)) stream.push(row);
  });
  return stream;
}

builder.subscriptionType({
  fields: (t) => ({
    deliveryAttempts: t.field({
      type: DeliveryAttemptNode,
      description: 'Every attempt of this tenant as it finishes, optionally narrowed. Nothing of other tenants, ever.',
      args: {
        webhookId: t.arg.id(),
        eventId: t.arg.id(),
        outcomes: t.arg({ type: [AttemptOutcomeEnum] }),
      },
      authScopes: { scope: 'WEBHOOKS_READ' },
      subscribe: (_root, args, context) =>
        liveRows(
          context,
          'attempt',
          ({ attempt }) =>
            (!args.webhookId || attempt.webhook_id === args.webhookId) &&
            (!args.eventId || attempt.event_id === args.eventId) &&
            (!args.outcomes || args.outcomes.includes(attempt.outcome)),
        ),
      // The row's own loader (a context per row: shared-subscriptions.ts) answers `delivery { … }` with no lookup.
      resolve: ({ attempt, delivery }: LiveAttempt, _args, context) => {
        if (delivery) primeDelivery(context, delivery);
        return attempt;
      },
    }),
    deliveryUpdated: t.field({
      type: DeliveryNode,
      description: 'Every status change of a delivery of this tenant.',
      args: { webhookId: t.arg.id() },
      authScopes: { scope: 'WEBHOOKS_READ' },
      subscribe: (_root, args, context) =>
        liveRows(context, 'delivery', (delivery) => !args.webhookId || delivery.webhook_id === args.webhookId),
      resolve: (delivery: DeliveryRow) => delivery,
    }),
    gatewayEvents: t.field({
      type: EventNode,
      description:
        "The gateway's own events of this tenant (gateway.webhook.disabled, gateway.delivery.failing, ...) as they are committed, whether or not a webhook subscribes to them. Tenants' published events are not streamed here.",
      authScopes: { scope: 'WEBHOOKS_READ' },
      subscribe: (_root, _args, context) => liveRows(context, 'event', (event) => isReservedTopic(event.topic)),
      resolve: (event: EventRow) => event,
    }),
  }),
});
