export const apiKeyScopes = ['WEBHOOKS_READ', 'WEBHOOKS_WRITE', 'WEBHOOKS_SECRETS', 'EVENTS_PUBLISH', 'ADMIN'] as const;

export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** ADMIN holds every scope. */
export function grants(held: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return held.includes('ADMIN') || held.includes(needed);
}
