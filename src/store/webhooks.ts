import { sql, type ExpressionBuilder } from 'kysely';
import { parseJson, type Database, type Executor, type WebhookRow } from './db.ts';
import { escapeLike, forUpdate } from './dialect.ts';
import { byId, keysetPage, type Page, type PageArgs } from './keyset.ts';
import { prepared } from './prepared.ts';
import { topicPatternsFor } from '../domain/topic-routing.ts';
import type { Webhook, WebhookSettings, WebhookType } from '../domain/webhook.ts';
import { cappedCount } from './capped-count.ts';
import type { SecretBox } from './secret-box.ts';

/** A row as the domain sees it: its credentials opened (sealed at rest: secret-box.ts). */
function webhookFromRow(row: WebhookRow, secrets: SecretBox): Webhook {
  const open = (stored: string | null) => (stored === null ? null : secrets.open(stored));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    url: row.url,
    type: row.type,
    topics: parseJson(row.topics),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    headers: parseJson(row.headers).map((header) => ({ ...header, value: secrets.open(header.value) })),
    bearerToken: open(row.bearer_token),
    timeoutSeconds: row.timeout_seconds,
    rateLimitPerSecond: row.rate_limit_per_second,
    retryPolicy: {
      maxRetries: row.max_retries,
      backoffSeconds: row.backoff_seconds,
      strategy: row.backoff_strategy,
    },
    configuration: {
      echo: row.echo === 1,
      channelTypes: parseJson(row.channel_types),
      filters: parseJson(row.filters),
      webengage: row.webengage_url ? { webhookUrl: row.webengage_url, token: open(row.webengage_token) } : null,
    },
    signingSecret: secrets.open(row.signing_secret),
    previousSigningSecret: open(row.previous_signing_secret),
    previousSecretExpiresAt: row.previous_secret_expires_at,
    consecutiveFailures: row.consecutive_failures,
    pausedAt: row.paused_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The settings as columns, credentials sealed. */
function settingsColumns(settings: WebhookSettings, secrets: SecretBox) {
  const seal = (plain: string | null | undefined) => (plain == null ? null : secrets.seal(plain));
  return {
    name: settings.name,
    url: settings.url,
    type: settings.type,
    topics: JSON.stringify(settings.topics),
    enabled: settings.enabled ? 1 : 0,
    headers: JSON.stringify(settings.headers.map((header) => ({ ...header, value: secrets.seal(header.value) }))),
    bearer_token: seal(settings.bearerToken),
    timeout_seconds: settings.timeoutSeconds,
    rate_limit_per_second: settings.rateLimitPerSecond,
    max_retries: settings.retryPolicy.maxRetries,
    backoff_seconds: settings.retryPolicy.backoffSeconds,
    backoff_strategy: settings.retryPolicy.strategy,
    echo: settings.configuration.echo ? 1 : 0,
    channel_types: JSON.stringify(settings.configuration.channelTypes),
    filters: JSON.stringify(settings.configuration.filters),
    webengage_url: settings.configuration.webengage?.webhookUrl ?? null,
    webengage_token: seal(settings.configuration.webengage?.token),
  };
}

export type WebhookFilter = {
  topic?: string | null;
  enabled?: boolean | null;
  type?: WebhookType | null;
  search?: string | null;
};

function likePattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

function filterWhere(tenantId: string, filter: WebhookFilter) {
  return (eb: ExpressionBuilder<Database, 'webhooks'>) => {
    const conditions = [eb('webhooks.tenant_id', '=', tenantId)];
    if (filter.enabled != null) conditions.push(eb('webhooks.enabled', '=', filter.enabled ? 1 : 0));
    if (filter.type != null) conditions.push(eb('webhooks.type', '=', filter.type));
    if (filter.search) {
      const pattern = likePattern(filter.search);
      conditions.push(
        eb.or([
          sql<boolean>`lower(coalesce(${eb.ref('webhooks.name')}, '')) like ${pattern} escape '\\'`,
          sql<boolean>`lower(${eb.ref('webhooks.url')}) like ${pattern} escape '\\'`,
        ]),
      );
    }
    if (filter.topic) {
      const patterns = topicPatternsFor(filter.topic);
      conditions.push(
        eb.exists(
          eb
            .selectFrom('webhook_topics')
            .select('webhook_topics.webhook_id')
            .whereRef('webhook_topics.webhook_id', '=', 'webhooks.id')
            .where('webhook_topics.topic', 'in', patterns),
        ),
      );
    }
    return eb.and(conditions);
  };
}

async function replaceTopics(trx: Executor, webhook: { id: string; tenantId: string; url: string; topics: string[] }) {
  await trx.deleteFrom('webhook_topics').where('webhook_id', '=', webhook.id).execute();
  await trx
    .insertInto('webhook_topics')
    .values(webhook.topics.map((topic) => ({ tenant_id: webhook.tenantId, webhook_id: webhook.id, topic, url: webhook.url })))
    .execute();
}

// The recorder runs one of these for most attempts.
const failureCounted = prepared((db, { id }: { id: string }) =>
  db
    .updateTable('webhooks')
    .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
    .where('id', '=', id)
    .returningAll(),
);
const successCounted = prepared((db, { id }: { id: string }) =>
  db.updateTable('webhooks').set({ consecutive_failures: 0 }).where('id', '=', id).where('consecutive_failures', '!=', 0),
);

/** The webhooks table; `secrets` seals credentials on the way in and opens them on the way out. */
export function webhookRepository(db: Executor, secrets: SecretBox) {
  const fromRow = (row: WebhookRow) => webhookFromRow(row, secrets);
  const inTenant = (tenantId: string) => db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId);

  return {
    async findById(tenantId: string, id: string): Promise<Webhook | undefined> {
      const row = await inTenant(tenantId).where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    /**
     * Reads the webhook for a change based on what it holds now: on Postgres its row stays locked
     * until the transaction ends, so a concurrent change waits and then reads this one's result.
     */
    async findByIdForUpdate(tenantId: string, id: string): Promise<Webhook | undefined> {
      const row = await forUpdate(
        db,
        db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id),
      ).executeTakeFirst();
      return row && fromRow(row);
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<Webhook[]> {
      if (ids.length === 0) return [];
      return (await inTenant(tenantId).where('id', 'in', ids).execute()).map(fromRow);
    },

    /** Other webhooks of the tenant with this URL and their topic patterns. */
    async topicsAtUrl(tenantId: string, url: string, exceptId: string | null): Promise<{ webhookId: string; topic: string }[]> {
      let query = db
        .selectFrom('webhook_topics')
        .select(['webhook_id as webhookId', 'topic'])
        .where('tenant_id', '=', tenantId)
        .where('url', '=', url);
      if (exceptId) query = query.where('webhook_id', '!=', exceptId);
      return query.execute();
    },

    async page(tenantId: string, filter: WebhookFilter, args: PageArgs): Promise<Page<Webhook>> {
      const where = filterWhere(tenantId, filter);
      const page = await keysetPage(
        args,
        byId(() => db.selectFrom('webhooks').selectAll().where(where)),
      );
      return { ...page, rows: page.rows.map(fromRow) };
    },

    /** Capped: at most COUNT_CAP + 1 (capped-count.ts). */
    async count(tenantId: string, filter: WebhookFilter): Promise<number> {
      return cappedCount(db, db.selectFrom('webhooks').where(filterWhere(tenantId, filter)));
    },

    async insert(params: {
      id: string;
      tenantId: string;
      settings: WebhookSettings;
      signingSecret: string;
      now: number;
    }): Promise<Webhook> {
      const row = await db
        .insertInto('webhooks')
        .values({
          id: params.id,
          tenant_id: params.tenantId,
          ...settingsColumns(params.settings, secrets),
          disabled_reason: null,
          signing_secret: secrets.seal(params.signingSecret),
          consecutive_failures: 0,
          created_at: params.now,
          updated_at: params.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const webhook = fromRow(row);
      await replaceTopics(db, webhook);
      return webhook;
    },

    /** Writes the whole settings state; re-enabling clears the gateway's own disable. */
    async updateSettings(current: Webhook, settings: WebhookSettings, now: number): Promise<Webhook> {
      const reenabled = settings.enabled && !current.enabled;
      const row = await db
        .updateTable('webhooks')
        .set({
          ...settingsColumns(settings, secrets),
          ...(reenabled ? { disabled_reason: null, consecutive_failures: 0 } : {}),
          ...(!settings.enabled && current.enabled ? { disabled_reason: null } : {}),
          updated_at: now,
        })
        .where('tenant_id', '=', current.tenantId)
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const webhook = fromRow(row);
      if (settings.url !== current.url || settings.topics.join('\n') !== current.topics.join('\n')) {
        await replaceTopics(db, webhook);
      }
      return webhook;
    },

    async rotateSecret(current: Webhook, params: { secret: string; previousExpiresAt: number; now: number }): Promise<Webhook> {
      const row = await db
        .updateTable('webhooks')
        .set({
          signing_secret: secrets.seal(params.secret),
          previous_signing_secret: secrets.seal(current.signingSecret),
          previous_secret_expires_at: params.previousExpiresAt,
          updated_at: params.now,
        })
        .where('tenant_id', '=', current.tenantId)
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    /**
     * Enabled webhooks holding any of these topic patterns (`topicPatternsFor`): the candidates an
     * event may reach, found by index; `receives` decides.
     */
    async findSubscribed(tenantId: string, patterns: readonly string[]): Promise<Webhook[]> {
      const rows = await db
        .selectFrom('webhooks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('enabled', '=', 1)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('webhook_topics')
              .select('webhook_topics.webhook_id')
              .whereRef('webhook_topics.webhook_id', '=', 'webhooks.id')
              .where('webhook_topics.topic', 'in', patterns),
          ),
        )
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async findByIdsAnyTenant(ids: readonly string[]): Promise<Webhook[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute();
      return rows.map(fromRow);
    },

    /**
     * Counts a failed attempt and returns the webhook as it now stands (undefined once deleted):
     * what the outcome rules need, without reading it again.
     */
    async countFailure(id: string): Promise<Webhook | undefined> {
      const row = (await failureCounted(db, { id })).rows[0];
      return row && fromRow(row);
    },

    /** Ends a run of failures; writes nothing when there is none. */
    async countSuccess(id: string): Promise<void> {
      await successCounted(db, { id });
    },

    /** Pauses (a time) or resumes (null) the tenant's webhook; undefined when there is none. */
    async setPaused(tenantId: string, id: string, pausedAt: number | null, now: number): Promise<Webhook | undefined> {
      const row = await db
        .updateTable('webhooks')
        .set({ paused_at: pausedAt, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && fromRow(row);
    },

    /** Paused webhooks, any tenant: the hold caps look at these. */
    async pausedIds(): Promise<string[]> {
      return (await db.selectFrom('webhooks').select('id').where('paused_at', 'is not', null).execute()).map((row) => row.id);
    },

    /** The gateway's own disable, with the reason shown to the tenant; false when it was disabled (or gone) already. */
    async disable(id: string, reason: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('webhooks')
        .set({ enabled: 0, disabled_reason: reason, updated_at: now })
        .where('id', '=', id)
        .where('enabled', '=', 1)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('webhooks').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export type WebhookRepository = ReturnType<typeof webhookRepository>;
