import type { Principal } from '../auth/authenticate.ts';
import { ApiKeyScopeEnum } from './api-key-scope.ts';
import { builder } from './builder.ts';

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'The caller: the tenant and scopes of the API key in use.',
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    tenantName: t.exposeString('tenantName'),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (principal) => principal.scopes }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: ViewerRef, description: 'Any valid key may ask who it is.', resolve: (_root, _args, context) => context.principal }),
);
