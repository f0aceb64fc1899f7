import { parseJson, type ApiKeyRow, type Executor } from './db.ts';
import type { ApiKeyScope } from '../domain/scopes.ts';
import { newId } from '../domain/ids.ts';
import { prepared } from './prepared.ts';

type ApiKeyWithTenant = ApiKeyRow & { tenant_name: string };

export function parseScopes(row: Pick<ApiKeyRow, 'scopes'>): ApiKeyScope[] {
  return parseJson(row.scopes);
}

// Every authenticated request asks this.
const activeByHash = prepared((db, { hash }: { hash: string }) =>
  db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('api_keys')
    .select('tenants.name as tenant_name')
    .where('api_keys.key_hash', '=', hash)
    .where('api_keys.revoked_at', 'is', null),
);

export function apiKeyRepository(db: Executor) {
  return {
    async create(params: {
      tenantId: string;
      name: string;
      prefix: string;
      hash: string;
      scopes: readonly ApiKeyScope[];
      now?: number;
    }): Promise<ApiKeyRow> {
      const now = params.now ?? Date.now();
      return db
        .insertInto('api_keys')
        .values({
          id: newId('apiKey', now),
          tenant_id: params.tenantId,
          name: params.name,
          prefix: params.prefix,
          key_hash: params.hash,
          scopes: JSON.stringify(params.scopes),
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The live key with this hash, with its tenant's name; revoked keys are not found. */
    async findActiveByHash(hash: string): Promise<ApiKeyWithTenant | undefined> {
      return (await activeByHash(db, { hash })).rows[0];
    },

    async listByTenant(tenantId: string): Promise<ApiKeyRow[]> {
      return db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').execute();
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<ApiKeyRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    },

    async revoke(tenantId: string, id: string, now = Date.now()): Promise<ApiKeyRow | undefined> {
      return db
        .updateTable('api_keys')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async markUsed(id: string, now = Date.now()): Promise<void> {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof apiKeyRepository>;
