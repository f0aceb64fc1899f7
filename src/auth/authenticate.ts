import type { ApiKeyRepository } from '../store/api-keys.ts';
import { parseScopes } from '../store/api-keys.ts';
import { hashApiKey } from './api-key-secret.ts';
import type { ApiKeyScope } from '../domain/scopes.ts';

/** Who is calling: one API key of one tenant. */
export type Principal = {
  tenantId: string;
  tenantName: string;
  keyId: string;
  /** The key's first characters (api_keys.prefix): how people recognise it, e.g. in the audit log. */
  keyPrefix: string;
  scopes: ApiKeyScope[];
};

// Recording every use would make every read a write; a minute's precision is enough to audit.
const LAST_USED_PRECISION_MS = 60_000;

/** `X-API-Key: <key>` or `Authorization: Bearer <key>`, whichever is present. */
export function apiKeyFromHeaders(headers: { get(name: string): string | null }): string | null {
  const direct = headers.get('x-api-key')?.trim();
  if (direct) return direct;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/**
 * Why a request without a usable key was refused. An unknown key most often comes from
 * `npm run keys` run against another database than the server's, so the answer says where to
 * look; it never repeats the key, and reads the same whether or not the key exists elsewhere.
 */
export function unauthenticatedMessage(keySent: boolean): string {
  return keySent
    ? "This API key is not known to this server's database (or it was revoked). " +
        'Keys minted with `npm run keys` go into the database at DATABASE_PATH: run it with the same DATABASE_PATH as the server.'
    : 'A valid API key is required: send it as X-API-Key or Authorization: Bearer';
}

export async function authenticate(keys: ApiKeyRepository, key: string | null, now = Date.now()): Promise<Principal | null> {
  if (!key) return null;
  const row = await keys.findActiveByHash(hashApiKey(key));
  if (!row) return null;
  if (row.last_used_at === null || now - row.last_used_at > LAST_USED_PRECISION_MS) await keys.markUsed(row.id, now);
  return { tenantId: row.tenant_id, tenantName: row.tenant_name, keyId: row.id, keyPrefix: row.prefix, scopes: parseScopes(row) };
}
