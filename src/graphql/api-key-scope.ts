import { apiKeyScopes } from '../domain/scopes.ts';
import { builder } from './builder.ts';

const descriptions: Record<(typeof apiKeyScopes)[number], string> = {
  WEBHOOKS_READ: 'read webhooks, events, deliveries; subscribe',
  WEBHOOKS_WRITE: 'create, update, delete, rotate, redeliver, test',
  WEBHOOKS_SECRETS: 'read signing secrets',
  EVENTS_PUBLISH: 'publish events',
  ADMIN: 'all of the above, and manage API keys',
};

export const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  values: Object.fromEntries(apiKeyScopes.map((scope) => [scope, { description: descriptions[scope] }])) as Record<
    (typeof apiKeyScopes)[number],
    { description: string }
  >,
});
