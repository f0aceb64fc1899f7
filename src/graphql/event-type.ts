import { eventTypes, type EventType } from '../domain/event-types.ts';
import { builder } from './builder.ts';

const EventTypeRef = builder.objectRef<EventType>('EventType').implement({
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. message.created, message.delivery_status, workflow.run_completed' }),
    description: t.exposeString('description'),
  }),
});

builder.queryField('eventTypes', (t) =>
  t.field({
    type: [EventTypeRef],
    description: 'The catalog of event types webhooks can subscribe to. Any valid key may read it.',
    resolve: () => eventTypes,
  }),
);
