import { builder } from './builder.ts';
import { COUNT_CAP } from '../store/capped-count.ts';
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
import './audit-log.ts';
import './subscription.ts';

builder.queryType({});
builder.mutationType({});

builder.globalConnectionFields((t) => ({
  totalCount: t.int({
    description: `The matching items, counted up to ${COUNT_CAP.toLocaleString('en')}: when there are more, this is ${COUNT_CAP.toLocaleString('en')} and totalCountCapped is true.`,
    resolve: async (connection) => (await connection.totalCount()).count,
  }),
  totalCountCapped: t.boolean({
    description: `True when counting stopped at ${COUNT_CAP.toLocaleString('en')}: there are at least totalCount matching items.`,
    resolve: async (connection) => (await connection.totalCount()).capped,
  }),
}));

export const schema = builder.toSchema({ sortSchema: false });
