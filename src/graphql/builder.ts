import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import AuditPlugin from './audit-plugin.ts';
import RateLimitPlugin from './rate-limit-plugin.ts';
import InputLimitsPlugin from './input-limits-plugin.ts';
import { GraphQLError } from 'graphql';
import { grants, type ApiKeyScope } from '../domain/scopes.ts';
import { ForbiddenError } from '../domain/errors.ts';
import { idKind } from '../domain/ids.ts';
import type { Context } from './context.ts';
import { readScopeOf } from './read-scopes.ts';

function requiredScopeOf(failure: AuthFailure): ApiKeyScope {
  if (failure.kind === AuthScopeFailureType.AuthScope) return failure.parameter as ApiKeyScope;
  if ('failures' in failure && failure.failures[0]) return requiredScopeOf(failure.failures[0]);
  return 'ADMIN';
}

const nodeTypeNames = {
  webhook: 'Webhook',
  event: 'Event',
  delivery: 'Delivery',
  attempt: 'DeliveryAttempt',
  apiKey: 'ApiKey',
} as const;

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { scope: ApiKeyScope };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: number; Output: number };
    JSON: { Input: unknown; Output: unknown };
    URL: { Input: string; Output: string };
  };
  Connection: { totalCount: () => Promise<{ count: number; capped: boolean }> };
}>({
  // Errors wrap outermost but for the audit trail, so ForbiddenError (scope-auth), RateLimitedError
  // and an input over its limit (ValidationError) become union members, which the audit records.
  plugins: [
    AuditPlugin,
    ErrorsPlugin,
    ScopeAuthPlugin,
    RateLimitPlugin,
    InputLimitsPlugin,
    ValidationPlugin,
    RelayPlugin,
    DataloaderPlugin,
    SimpleObjectsPlugin,
  ],
  defaultFieldNullability: false,
  scopeAuth: {
    // A subscription without the scope is refused when it starts, not on its first event.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      scope: (needed: ApiKeyScope) => grants(context.principal.scopes, needed),
    }),
    unauthorizedError: (_parent, _context, _info, result) => new ForbiddenError(requiredScopeOf(result.failure)),
  },
  validation: {
    validationError: (failure) =>
      new GraphQLError(failure.issues.map((issue) => issue.message).join('; '), {
        extensions: { code: 'BAD_USER_INPUT' },
      }),
  },
  relay: {
    // Ids are already prefixed and opaque (wh_…, evt_…): Node.id is the id itself.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => {
      const kind = idKind(globalID);
      return { typename: kind && kind in nodeTypeNames ? nodeTypeNames[kind as keyof typeof nodeTypeNames] : 'Unknown', id: globalID };
    },
    nodeQueryOptions: {
      authScopes: { scope: 'WEBHOOKS_READ' },
      // An id of no known kind (or of a kind this schema lacks) is simply not found. An id of a
      // type the key may not read is refused by its kind alone, before anything is loaded, so
      // the answer says nothing about whether that object exists.
      resolve: (_root, { id }, context, info, resolveNode) => {
        if (!info.schema.getType(id.typename)) return null;
        const needed = readScopeOf(id.typename);
        if (needed && !grants(context.principal.scopes, needed)) throw new ForbiddenError(needed);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: false,
    nodesOnConnection: true,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    cursorType: 'String',
  },
  errors: {},
});
