import type { Executor } from './db.ts';
import { tenantRepository } from './tenants.ts';
import { webhookRepository } from './webhooks.ts';
import type { SecretBox } from './secret-box.ts';
import { topicPatternsFor } from '../domain/topic-routing.ts';
import type { Webhook } from '../domain/webhook.ts';

/*
 * Webhooks kept between publishes and claims. A tenant's are kept as of its webhooks version, a
 * random token the database replaces in the transaction of any change to any of them (migration
 * 0015), whichever thread or instance makes it. A lookup reads that one column by primary key
 * and reads webhooks only when the token is not the one it holds. Webhooks read after the token
 * are at least as new as it, so a cache never answers with a state older than the token it read.
 *
 * One cache per database a thread opens, made beside it by the composition root (app.ts,
 * engine-thread.ts) and passed to what reads webhooks: tenant ids and tokens name one
 * database's state, and a restored copy keeps both until its first change. The webhooks
 * returned are shared: read them, never change them.
 */

/**
 * What all tenants' entries may hold: a webhook, a place in an event type's list, and a tenant
 * each count one. The least recently used tenant goes first; a tenant that alone holds more is
 * read every time, as it was before there was a cache. At about a kilobyte a webhook, a few MB
 * per cache at most.
 */
const MAX_HELD = 5_000;
/** Event types remembered per tenant, before its list starts over. */
const MAX_TOPICS = 256;

class TenantWebhooks {
  readonly byId = new Map<string, Webhook>();
  readonly byTopic = new Map<string, readonly Webhook[]>();
  held = 1;
  constructor(readonly version: string) {}
}

export function createWebhookCache(secrets: SecretBox) {
  const tenants = new Map<string, TenantWebhooks>();
  let held = 0;

  function count(entry: TenantWebhooks, more: number): void {
    entry.held += more;
    held += more;
  }

  /** The tenant's entry for this version, a new one if the version moved; marked most recently used. */
  function entryFor(tenantId: string, version: string): TenantWebhooks {
    const entry = tenants.get(tenantId);
    tenants.delete(tenantId);
    if (entry?.version === version) {
      tenants.set(tenantId, entry);
      return entry;
    }
    if (entry) held -= entry.held;
    const fresh = new TenantWebhooks(version);
    tenants.set(tenantId, fresh);
    held += fresh.held;
    return fresh;
  }

  /**
   * The one object for this webhook in this entry, so its lists and ids share it. An entry that
   * another lookup replaced while this one read is left as it is.
   */
  function keep(entry: TenantWebhooks, webhook: Webhook): Webhook {
    if (tenants.get(webhook.tenantId) !== entry) return webhook;
    const kept = entry.byId.get(webhook.id);
    if (kept) return kept;
    entry.byId.set(webhook.id, webhook);
    count(entry, 1);
    return webhook;
  }

  function trim(): void {
    for (const [tenantId, entry] of tenants) {
      if (held <= MAX_HELD) return;
      held -= entry.held;
      tenants.delete(tenantId);
    }
  }

  return {
    /**
     * The tenant's enabled webhooks holding a topic pattern that matches `topic`, by id: the
     * candidates an event of that type may reach (webhookRepository.findSubscribed, kept).
     */
    async subscribed(db: Executor, tenantId: string, topic: string): Promise<readonly Webhook[]> {
      const version = await tenantRepository(db).webhooksVersion(tenantId);
      const read = () => webhookRepository(db, secrets).findSubscribed(tenantId, topicPatternsFor(topic));
      if (version === undefined) return read();
      const entry = entryFor(tenantId, version);
      const kept = entry.byTopic.get(topic);
      if (kept) return kept;
      const webhooks = (await read()).map((webhook) => keep(entry, webhook));
      if (tenants.get(tenantId) === entry) {
        if (entry.byTopic.size >= MAX_TOPICS) {
          count(entry, -[...entry.byTopic.values()].reduce((sum, list) => sum + list.length, 0));
          entry.byTopic.clear();
        }
        entry.byTopic.set(topic, webhooks);
        count(entry, webhooks.length);
      }
      trim();
      return webhooks;
    },

    /** These deliveries' webhooks, any tenant, by id; a deleted one is missing. */
    async byIds(db: Executor, deliveries: readonly { tenant_id: string; webhook_id: string }[]): Promise<Map<string, Webhook>> {
      const versions = await tenantRepository(db).webhooksVersions([...new Set(deliveries.map((d) => d.tenant_id))]);
      const entries = new Map([...versions].map(([tenantId, version]) => [tenantId, entryFor(tenantId, version)]));
      const found = new Map<string, Webhook>();
      const missing = new Set<string>();
      for (const { tenant_id: tenantId, webhook_id: id } of deliveries) {
        const kept = entries.get(tenantId)?.byId.get(id);
        if (kept) found.set(id, kept);
        else missing.add(id);
      }
      if (missing.size === 0) return found;
      for (const webhook of await webhookRepository(db, secrets).findByIdsAnyTenant([...missing])) {
        const entry = entries.get(webhook.tenantId);
        found.set(webhook.id, entry ? keep(entry, webhook) : webhook);
      }
      trim();
      return found;
    },
  };
}

/** One database's webhooks as this thread keeps them. */
export type WebhookCache = ReturnType<typeof createWebhookCache>;
