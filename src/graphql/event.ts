import { StorageQuotaExceededError, ValidationError } from '../domain/errors.ts';
import { inputLimits } from '../domain/limits.ts';
import { IDEMPOTENCY_WINDOW_MS } from '../services/events.ts';
import type { EventRow } from '../store/db.ts';
import { builder } from './builder.ts';
import { parsedPayload } from './parsed-payloads.ts';
import { resultUnion } from './errors.ts';
import { pageArgsSchema, toConnection } from './pagination.ts';
import { openId, readableWith } from './read-scopes.ts';

export const EventNode = builder.loadableNodeRef('Event', {
  id: { resolve: (event: EventRow) => event.id, ...openId },
  load: (ids: string[], context) => {
    const read = () => context.repos.events.findByIds(context.principal.tenantId, ids);
    const shared = context.live.sharedLoads;
    if (!shared) return read();
    const key = `Event:${ids.join(',')}`;
    let loading = shared.get(key) as Promise<EventRow[]> | undefined;
    if (!loading) {
      loading = read();
      shared.set(key, loading);
    }
    return loading;
  },
  sort: (event) => event.id,
});

EventNode.implement({
  description:
    "Something a tenant published, or one of the gateway's own operational events (gateway.*); delivered to every webhook that matched it then.",
  authScopes: readableWith('Event'),
  fields: (t) => ({
    topic: t.exposeString('topic'),
    payload: t.field({ type: 'JSON', resolve: (event) => parsedPayload(event) }),
    channelType: t.exposeString('channel_type', { nullable: true }),
    echo: t.boolean({ resolve: (event) => event.echo === 1 }),
    idempotencyKey: t.exposeString('idempotency_key', { nullable: true }),
    orderingKey: t.exposeString('ordering_key', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (event) => event.created_at }),
  }),
});

const EventConnection = builder.connectionObject({ type: EventNode, name: 'EventConnection' }, { name: 'EventEdge' });

builder.queryFields((t) => ({
  event: t.field({
    type: EventNode,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_READ' },
    resolve: async (_root, { id }, context) => (await context.repos.events.findById(context.principal.tenantId, id)) ?? null,
  }),
  events: t.connection(
    {
      type: EventNode,
      description: 'Published events, newest first.',
      args: { topic: t.arg.string({ description: 'Only events of exactly this type.' }) },
      authScopes: { scope: 'WEBHOOKS_READ' },
      validate: pageArgsSchema,
      resolve: async (_root, args, context) => {
        const tenantId = context.principal.tenantId;
        const page = await context.repos.events.page(tenantId, args.topic, args);
        return toConnection(page, () => context.repos.events.count(tenantId, args.topic));
      },
    },
    EventConnection,
  ),
}));

const PublishEventInput = builder.inputType('PublishEventInput', {
  fields: (t) => ({
    topic: t.string({ required: true, description: 'An event type such as message.created (see eventTypes).' }),
    payload: t.field({
      type: 'JSON',
      required: true,
      description: `Any JSON value, at most ${inputLimits.payloadBytes.max / 1024} KiB; delivered as \`data\`.`,
    }),
    channelType: t.string({ description: 'The channel it came from (e.g. whatsapp), for configuration.channelTypes.' }),
    echo: t.boolean({ description: 'The tenant caused it itself; only webhooks with configuration.echo get it.' }),
    idempotencyKey: t.string({
      description: `A second publish with the same key within ${IDEMPOTENCY_WINDOW_MS / 3_600_000} hours returns the first event and delivers nothing new.`,
    }),
    orderingKey: t.string({
      description:
        'Events with the same key reach each webhook in publish order: a delivery is not attempted while an earlier one of its key to that webhook is open (it is WAITING). Other keys and other webhooks are not held up.',
    }),
    retain: t.boolean({
      description:
        'Keep the event for the whole event retention (EVENT_RETENTION_DAYS) even if no webhook takes it, so that a webhook made later can replay it (replayEvents). By default an event that reaches no webhook is deleted after UNMATCHED_EVENT_RETENTION_SECONDS (an hour unless configured). Either way it counts against the storage quota (Viewer.storage) while it is kept.',
    }),
  }),
});

const PublishEventSuccess = builder.objectRef<{ event: EventRow; deliveryCount: number }>('PublishEventSuccess').implement({
  fields: (t) => ({
    event: t.field({ type: EventNode, resolve: (result) => result.event }),
    deliveryCount: t.exposeInt('deliveryCount', { description: 'How many deliveries were created (webhooks that matched).' }),
  }),
});

builder.mutationField('publishEvent', (t) =>
  t.field({
    type: PublishEventSuccess,
    args: { input: t.arg({ type: PublishEventInput, required: true }) },
    authScopes: { scope: 'EVENTS_PUBLISH' },
    errors: resultUnion('PublishEventResult', [ValidationError, StorageQuotaExceededError]),
    resolve: (_root, { input }, context) => context.services.events.publish(context.principal.tenantId, input),
  }),
);
