import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { inputLimits } from '../domain/limits.ts';
import { PREVIEW_SIZE, type Recovery, type Replay } from '../services/deliveries.ts';
import { builder } from './builder.ts';
import { DeliveryNode } from './delivery.ts';
import { resultUnion } from './errors.ts';
import { EventNode } from './event.ts';

/*
 * Bringing deliveries back: recoverDeliveries resends FAILED ones (redeliverFailed, kept for
 * compatibility, is the same service call without until), replayEvents delivers past events
 * to a webhook that did not get them. Both take a dry run first.
 */

const perCall = inputLimits.perRecoveryCall.max.toLocaleString('en');
const maxAgeDays = inputLimits.redeliverFailedAgeDays.max;

const RecoverDeliveriesSuccess = builder.objectRef<Recovery>('RecoverDeliveriesSuccess').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was sent or changed: count and deliveries say what would be.' }),
    count: t.exposeInt('count', {
      description: 'How many FAILED deliveries in the window got (or, on a dry run, would get) a MANUAL attempt now.',
    }),
    deliveries: t.field({
      type: [DeliveryNode],
      description: `The first ${PREVIEW_SIZE} of them, oldest first.`,
      resolve: (result) => result.deliveries,
    }),
  }),
});

const ReplayEventsSuccess = builder.objectRef<Replay>('ReplayEventsSuccess').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was created: count and events say what would be.' }),
    count: t.exposeInt('count', { description: 'How many events got (or, on a dry run, would get) a new delivery to the webhook.' }),
    events: t.field({
      type: [EventNode],
      description: `The first ${PREVIEW_SIZE} of those events, oldest first.`,
      resolve: (result) => result.events,
    }),
    deliveries: t.field({
      type: [DeliveryNode],
      description: `The first ${PREVIEW_SIZE} deliveries created, oldest event first; empty on a dry run.`,
      resolve: (result) => result.deliveries,
    }),
  }),
});

builder.mutationFields((t) => ({
  recoverDeliveries: t.field({
    type: RecoverDeliveriesSuccess,
    description: `A MANUAL attempt, now, of every FAILED delivery of this webhook created in [since, until); since at most ${maxAgeDays} days ago. A FAILED delivery stays FAILED until its new attempt is recorded. At most ${perCall} per call: a larger window is a ValidationError, dry run or not.`,
    args: {
      webhookId: t.arg.id({ required: true }),
      since: t.arg({ type: 'DateTime', required: true }),
      until: t.arg({ type: 'DateTime', description: 'Exclusive; absent: up to now, inclusive.' }),
      dryRun: t.arg.boolean({ description: 'Count and list them without sending or changing anything.' }),
    },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('RecoverDeliveriesResult', [NotFoundError, ValidationError]),
    resolve: (_root, { webhookId, since, until, dryRun }, context) =>
      context.services.deliveries.recoverDeliveries(context.principal.tenantId, webhookId, { since, until }, dryRun ?? false),
  }),
  replayEvents: t.field({
    type: ReplayEventsSuccess,
    description: `A new delivery to this (enabled) webhook of every past event of the tenant published in [since, until) that its current topics and filters take and that it has no delivery of yet, so a new endpoint can catch up. since may reach back as far as the event retention (EVENT_RETENTION_DAYS); older events are pruned, and so are events that reached no webhook once older than UNMATCHED_EVENT_RETENTION_SECONDS unless published with retain. Running it twice creates nothing new. At most ${perCall} per call, and at most ${inputLimits.replayScanBytes.max / (1024 * 1024)} MiB of the window's events read (each counted at least 1 KiB), matching or not: a larger window is a ValidationError, dry run or not.`,
    args: {
      webhookId: t.arg.id({ required: true }),
      since: t.arg({ type: 'DateTime', required: true }),
      until: t.arg({ type: 'DateTime', description: 'Exclusive; absent: up to now, inclusive.' }),
      dryRun: t.arg.boolean({ description: 'Count and list the events without creating anything.' }),
    },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('ReplayEventsResult', [NotFoundError, ValidationError]),
    resolve: (_root, { webhookId, since, until, dryRun }, context) =>
      context.services.deliveries.replayEvents(context.principal.tenantId, webhookId, { since, until }, dryRun ?? false),
  }),
}));
