import { z } from 'zod';
import { mintApiKey } from '../auth/api-key-secret.ts';
import { apiKeyScopes } from '../auth/scopes.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { parseInput } from '../domain/validation.ts';
import type { Transaction } from 'kysely';
import type { ApiKeyRow, Database, Db, Executor } from '../store/db.ts';
import { lockName } from '../store/dialect.ts';
import { apiKeyRepository } from '../store/api-keys.ts';
import { tenantRepository } from '../store/tenants.ts';
import type { Clock } from '../clock.ts';

const createApiKeyInput = z.object({
  name: z
    .string()
    .max(100, 'must be at most 100 characters')
    .refine((value) => value.trim().length > 0, 'must not be empty'),
  scopes: z
    .array(z.enum(apiKeyScopes))
    .min(1, 'must grant at least one scope')
    .transform((list) => [...new Set(list)]),
});

export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
export type CreatedApiKey = { apiKey: ApiKeyRow; key: string };

export function apiKeyService({ db, clock, onKeyRevoked }: { db: Db; clock: Clock; onKeyRevoked?: (keyId: string) => void }) {
  const keys = apiKeyRepository(db);

  async function create(tenantId: string, input: CreateApiKeyInput, executor: Executor = db): Promise<CreatedApiKey> {
    const { name, scopes } = parseInput(createApiKeyInput, input, ['input']);
    const minted = mintApiKey();
    const apiKey = await apiKeyRepository(executor).create({ tenantId, name, scopes, prefix: minted.prefix, hash: minted.hash, now: clock.now() });
    return { apiKey, key: minted.key };
  }

  /** Finds or makes the tenant, then its key, in one transaction; callers hold the lock that makes "find or make" safe. */
  async function createInTenant(trx: Transaction<Database>, tenantName: string, input: CreateApiKeyInput) {
    const tenants = tenantRepository(trx);
    const tenant = (await tenants.findByName(tenantName)) ?? (await tenants.create(tenantName, clock.now()));
    return { ...(await create(tenant.id, input, trx)), tenantId: tenant.id };
  }

  return {
    create,

    list: (tenantId: string) => keys.listByTenant(tenantId),

    async revoke(tenantId: string, id: string, callerKeyId: string): Promise<ApiKeyRow> {
      if (id === callerKeyId) throw ValidationError.at(['id'], 'a key cannot revoke itself');
      const revoked = await keys.revoke(tenantId, id, clock.now());
      if (!revoked) throw new NotFoundError(id, 'API key');
      onKeyRevoked?.(id);
      return revoked;
    },

    /** For operators (CLI, first start): the tenant is made when it does not exist yet. */
    async createForTenantName(tenantName: string, input: CreateApiKeyInput): Promise<CreatedApiKey & { tenantId: string }> {
      return db.transaction().execute(async (trx) => {
        // Two first keys for one new tenant (two CLI runs, two instances) would both find no tenant and both make it.
        await lockName(trx, 'tenant-name', tenantName);
        return createInTenant(trx, tenantName, input);
      });
    },

    /** On an empty database: a default tenant and its first ADMIN key; null when there is a tenant already. */
    async bootstrap(): Promise<(CreatedApiKey & { tenantId: string }) | null> {
      return db.transaction().execute(async (trx) => {
        // Instances starting together on an empty database: one of them makes and prints the first key.
        await lockName(trx, 'bootstrap');
        if ((await tenantRepository(trx).count()) > 0) return null;
        await lockName(trx, 'tenant-name', 'default');
        return createInTenant(trx, 'default', { name: 'first admin key', scopes: ['ADMIN'] });
      });
    },
  };
}

export type ApiKeyService = ReturnType<typeof apiKeyService>;
