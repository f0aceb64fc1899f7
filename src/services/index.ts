import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { apiKeyRepository } from '../store/api-keys.ts';
import { tenantRepository } from '../store/tenants.ts';
import { webhookRepository } from '../store/webhooks.ts';
import { apiKeyService } from './api-keys.ts';
import { webhookService } from './webhooks.ts';

export type ServiceDeps = { db: Db; config: Config; clock: Clock };

export function createRepositories(db: Db) {
  return {
    tenants: tenantRepository(db),
    apiKeys: apiKeyRepository(db),
    webhooks: webhookRepository(db),
  };
}

export function createServices(deps: ServiceDeps) {
  return {
    apiKeys: apiKeyService(deps),
    webhooks: webhookService(deps),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
export type Services = ReturnType<typeof createServices>;
