import type { AuditLogRow } from '../store/db.ts';
import { parseJson } from '../store/db.ts';
import { builder } from './builder.ts';
import { pageArgsSchema, toConnection } from './pagination.ts';
import { readableWith } from './read-scopes.ts';

/* The audit trail (issue 26 item 7): what every mutation call was, for ADMIN keys of the tenant. */

const AuditLogEntryRef = builder.objectRef<AuditLogRow>('AuditLogEntry').implement({
  description:
    'One mutation called with a key of this tenant, refused or not (a RateLimitedError is not recorded). Kept AUDIT_RETENTION_DAYS days (default 90).',
  authScopes: readableWith('AuditLogEntry'),
  fields: (t) => ({
    id: t.exposeID('id'),
    keyId: t.exposeID('key_id', { description: 'The API key that called it (revoked keys included).' }),
    keyPrefix: t.exposeString('key_prefix', { description: "That key's first characters, as ApiKey.prefix shows them." }),
    mutation: t.exposeString('mutation', { description: 'The Mutation field called, e.g. updateWebhook.' }),
    targetId: t.exposeID('target_id', {
      nullable: true,
      description: 'The id it acted on: its id argument (id, webhookId, deliveryId), or the id of what it created.',
    }),
    fields: t.field({
      type: 'JSON',
      description:
        'The arguments given, as given: absent fields are absent, null is null. Credentials are never kept: every field named like a secret, token or password, and every header value, reads "[redacted]" (null when the call cleared it); an event payload is kept as its size, { bytes }.',
      resolve: (entry) => parseJson(entry.fields),
    }),
    outcome: t.exposeString('outcome', {
      description:
        'The type it answered with: its success type or an error type (ForbiddenError, ValidationError, NotFoundError, ConflictError); for a top-level error, its code.',
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (entry) => entry.created_at }),
  }),
});

const AuditLogFilterInput = builder.inputType('AuditLogFilter', {
  fields: (t) => ({
    mutation: t.string({ description: 'Calls of this Mutation field only, e.g. deleteWebhook.' }),
    keyId: t.id({ description: 'Calls made with this API key only.' }),
    since: t.field({ type: 'DateTime', description: 'Made at or after.' }),
    until: t.field({ type: 'DateTime', description: 'Made before (exclusive).' }),
  }),
});

const AuditLogConnection = builder.connectionObject({ type: AuditLogEntryRef, name: 'AuditLogConnection' }, { name: 'AuditLogEdge' });

builder.queryField('auditLog', (t) =>
  t.connection(
    {
      type: AuditLogEntryRef,
      description:
        "ADMIN only. Every mutation called with this tenant's keys, newest first: who (key id and prefix), what, on which id, with which arguments (credentials redacted), answered how. Kept AUDIT_RETENTION_DAYS days.",
      args: { filter: t.arg({ type: AuditLogFilterInput }) },
      authScopes: { scope: 'ADMIN' },
      validate: pageArgsSchema,
      resolve: async (_root, args, context) => {
        const tenantId = context.principal.tenantId;
        const filter = args.filter ?? {};
        const page = await context.repos.auditLog.page(tenantId, filter, args);
        return toConnection(page, () => context.repos.auditLog.count(tenantId, filter));
      },
    },
    AuditLogConnection,
  ),
);
