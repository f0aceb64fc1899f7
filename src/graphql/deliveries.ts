import { builder } from './builder.ts';
import { DeliveryConnection, DeliveryNode, DeliveryStatusEnum } from './delivery.ts';
import { pageArgsSchema, toConnection } from './pagination.ts';

/* One place to look: the tenant's deliveries across its webhooks, for monitors. */

const DeliveryFilterInput = builder.inputType('DeliveryFilter', {
  fields: (t) => ({
    webhookId: t.id({ description: 'Deliveries to this webhook only (deleted webhooks included).' }),
    status: t.field({ type: DeliveryStatusEnum }),
    topic: t.string({ description: 'Deliveries of events of exactly this type.' }),
    since: t.field({ type: 'DateTime', description: 'Created at or after.' }),
    until: t.field({ type: 'DateTime', description: 'Created before (exclusive).' }),
  }),
});

builder.queryField('deliveries', (t) =>
  t.connection(
    {
      type: DeliveryNode,
      description: "The tenant's deliveries across all its webhooks, newest first.",
      args: { filter: t.arg({ type: DeliveryFilterInput }) },
      authScopes: { scope: 'WEBHOOKS_READ' },
      validate: pageArgsSchema,
      resolve: async (_root, args, context) => {
        const tenantId = context.principal.tenantId;
        const filter = args.filter ?? {};
        const page = await context.repos.deliveries.page(tenantId, filter, args);
        return toConnection(page, () => context.repos.deliveries.count(tenantId, filter));
      },
    },
    DeliveryConnection,
  ),
);
