import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { inputLimits, rangeText } from '../domain/limits.ts';
import type { ApiKeyRow } from '../store/db.ts';
import { parseScopes } from '../store/api-keys.ts';
import { ApiKeyScopeEnum } from './api-key-scope.ts';
import { builder } from './builder.ts';
import { resultUnion } from './errors.ts';
import { readableWith } from './read-scopes.ts';

export const ApiKeyNode = builder.loadableNode('ApiKey', {
  description: 'An API key of this tenant. The key itself is shown once, when it is created.',
  authScopes: readableWith('ApiKey'),
  id: { resolve: (key: ApiKeyRow) => key.id },
  load: (ids: string[], context) => context.repos.apiKeys.findByIds(context.principal.tenantId, ids),
  sort: (key) => key.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, enough to recognise it.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (key) => parseScopes(key) }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.created_at }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.last_used_at }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.revoked_at }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: `${rangeText(inputLimits.apiKeyNameLength)} characters.` }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
  }),
});

const CreateApiKeySuccess = builder.objectRef<{ apiKey: ApiKeyRow; key: string }>('CreateApiKeySuccess').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, resolve: (result) => result.apiKey }),
    key: t.exposeString('key', { description: 'The key itself: shown here once, stored only as a hash.' }),
  }),
});

const RevokeApiKeySuccess = builder.objectRef<{ apiKey: ApiKeyRow }>('RevokeApiKeySuccess').implement({
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyNode, resolve: (result) => result.apiKey }) }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyNode],
    description: 'ADMIN only.',
    authScopes: { scope: 'ADMIN' },
    resolve: (_root, _args, context) => context.services.apiKeys.list(context.principal.tenantId),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeySuccess,
    description: 'ADMIN only.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    authScopes: { scope: 'ADMIN' },
    errors: resultUnion('CreateApiKeyResult', [ValidationError]),
    resolve: (_root, { input }, context) => context.services.apiKeys.create(context.principal.tenantId, input),
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeySuccess,
    description: 'ADMIN only. A key cannot revoke itself (ValidationError).',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'ADMIN' },
    errors: resultUnion('RevokeApiKeyResult', [NotFoundError, ValidationError]),
    resolve: async (_root, { id }, context) => ({
      apiKey: await context.services.apiKeys.revoke(context.principal.tenantId, id, context.principal.keyId),
    }),
  }),
}));
