import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './viewer.ts';
import './api-key.ts';
import './webhook.ts';
import './event-type.ts';
import './event.ts';
import './delivery.ts';
import './deliveries.ts';
import './recovery.ts';
import './subscription.ts';

builder.queryType({});
builder.mutationType({});

builder.globalConnectionField('totalCount', (t) => t.int({ resolve: (connection) => connection.totalCount() }));

export const schema = builder.toSchema({ sortSchema: false });
