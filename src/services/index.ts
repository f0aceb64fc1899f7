import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { AfterCommit } from '../delivery/after-commit.ts';
import type { StageTrace } from '../delivery/stage-trace.ts';
import type { Db } from '../store/db.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';
import { apiKeyRepository } from '../store/api-keys.ts';
import { webhookRepository } from '../store/webhooks.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { apiKeyService } from './api-keys.ts';
import { webhookService } from './webhooks.ts';
import { eventService } from './events.ts';
import { deliveryService } from './deliveries.ts';
import { eventRepository } from '../store/events.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { attemptRepository } from '../store/attempts.ts';
import { orderingReads } from '../store/ordering.ts';
import { auditLogRepository } from '../store/audit-log.ts';
import { auditService } from './audit.ts';

type ServiceDeps = {
  db: Db;
  /** Seals and opens webhooks' credentials in this database (store/secret-box.ts). */
  secrets: SecretBox;
  /** The database's webhooks as this thread keeps them (store/webhook-cache.ts). */
  webhookCache: WebhookCache;
  config: Config;
  clock: Clock;
  /** Publishes what a write committed and wakes the worker when a delivery is due now. */
  announcer: AfterCommit;
  /** Where publishes count their publish_commit stage (the process's, in metrics). */
  stages: StageTrace;
  /** A key was revoked: its live subscriptions end. */
  onKeyRevoked: (keyId: string) => void;
};

export function createRepositories(db: Db, secrets: SecretBox) {
  return {
    apiKeys: apiKeyRepository(db),
    webhooks: webhookRepository(db, secrets),
    events: eventRepository(db),
    deliveries: deliveryRepository(db),
    attempts: attemptRepository(db),
    ordering: orderingReads(db),
    auditLog: auditLogRepository(db),
  };
}

export function createServices(deps: ServiceDeps) {
  return {
    apiKeys: apiKeyService(deps),
    webhooks: webhookService(deps),
    events: eventService(deps),
    deliveries: deliveryService(deps),
    audit: auditService(deps),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
export type Services = ReturnType<typeof createServices>;
