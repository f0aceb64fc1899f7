import type { Principal } from '../auth/authenticate.ts';
import type { StorageUsage } from '../services/events.ts';
import { ApiKeyScopeEnum } from './api-key-scope.ts';
import { builder } from './builder.ts';

const StorageRef = builder.objectRef<StorageUsage>('TenantStorage').implement({
  description:
    "What the tenant's stored events take against its storage quota: each event counts its payload's JSON bytes and a fixed overhead for its rows, from its publish until it is pruned. A publish that would go past the quota is a StorageQuotaExceededError. Bytes are Floats (whole numbers): an Int stops at 2 GiB.",
  fields: (t) => ({
    usedBytes: t.exposeFloat('usedBytes'),
    limitBytes: t.exposeFloat('limitBytes', {
      nullable: true,
      description: 'The quota (STORAGE_BYTES_PER_TENANT); null when there is none.',
    }),
  }),
});

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'The caller: the tenant and scopes of the API key in use.',
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    tenantName: t.exposeString('tenantName'),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (principal) => principal.scopes }),
    storage: t.field({
      type: StorageRef,
      description: "The tenant's stored bytes and its storage quota.",
      resolve: (principal, _args, context) => context.services.events.storage(principal.tenantId),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: ViewerRef, description: 'Any valid key may ask who it is.', resolve: (_root, _args, context) => context.principal }),
);
