import { z } from 'zod';
import { mintApiKey } from '../auth/api-key-secret.ts';
import { apiKeyScopes, type ApiKeyScope } from '../domain/scopes.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { tooLong } from '../domain/input-limits.ts';
import { inputLimits } from '../domain/limits.ts';
import { parseInput, text } from '../domain/validation.ts';
import type { Db, ApiKeyRow } from '../store/db.ts';
import { lockName } from '../store/dialect.ts';
import { apiKeyRepository, type ApiKeyRepository } from '../store/api-keys.ts';
import { tenantRepository } from '../store/tenants.ts';
import type { Clock } from '../clock.ts';

const createApiKeyInput = z.object({
  name: text()
    .max(inputLimits.apiKeyNameLength.max, tooLong(inputLimits.apiKeyNameLength.max))
    .refine((value) => value.trim().length > 0, 'must not be empty'),
  scopes: z
    .array(z.enum(apiKeyScopes))
    .min(1, 'must grant at least one scope')
    .transform((list) => [...new Set(list)]),
});

export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
type CreatedApiKey = { apiKey: ApiKeyRow; key: string };

export function apiKeyService({ db, clock, onKeyRevoked }: { db: Db; clock: Clock; onKeyRevoked?: (keyId: string) => void }) {
  const keys = apiKeyRepository(db);

  async function mint(repository: ApiKeyRepository, tenantId: string, name: string, scopes: ApiKeyScope[]): Promise<CreatedApiKey> {
    const minted = mintApiKey();
    const apiKey = await repository.create({ tenantId, name, scopes, prefix: minted.prefix, hash: minted.hash, now: clock.now() });
    return { apiKey, key: minted.key };
  }

  return {
    async create(tenantId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
      const { name, scopes } = parseInput(createApiKeyInput, input, ['input']);
      return mint(keys, tenantId, name, scopes);
    },

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
      const { name, scopes } = parseInput(createApiKeyInput, input, ['input']);
      // One transaction: a tenant is never left behind without the key it was made for.
      return db.transaction().execute(async (trx) => {
        const tenant = await tenantRepository(trx).findOrCreate(tenantName, clock.now());
        return { ...(await mint(apiKeyRepository(trx), tenant.id, name, scopes)), tenantId: tenant.id };
      });
    },

    /** On an empty database: a default tenant and its first ADMIN key; null when there is a tenant already. */
    async bootstrap(): Promise<(CreatedApiKey & { tenantId: string }) | null> {
      return db.transaction().execute(async (trx) => {
        // Instances starting together on an empty database: one of them makes and prints the first key.
        await lockName(trx, 'bootstrap');
        if ((await tenantRepository(trx).count()) > 0) return null;
        const tenant = await tenantRepository(trx).findOrCreate('default', clock.now());
        return { ...(await mint(apiKeyRepository(trx), tenant.id, 'first admin key', ['ADMIN'])), tenantId: tenant.id };
      });
    },
  };
}
