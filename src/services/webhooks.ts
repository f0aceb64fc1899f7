import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { AfterCommit } from '../delivery/after-commit.ts';
import { generateSigningSecret, isValidSigningSecret, signingSecretRule } from '../domain/signing-secret.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import { inputLimits } from '../domain/limits.ts';
import { patternsOverlap } from '../domain/topic-routing.ts';
import { fieldErrorsOf, parseInput } from '../domain/validation.ts';
import { nullsOnRequired, webhookInputSchemas, type CreateWebhookInput, type UpdateWebhookInput } from '../domain/webhook-rules.ts';
import { mergeUpdate, settingsFromCreate, settingsProblems } from '../domain/webhook-settings.ts';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../store/db.ts';
import { lockName } from '../store/dialect.ts';
import { webhookRepository, type WebhookRepository } from '../store/webhooks.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { Webhook, WebhookSettings } from '../domain/webhook.ts';
import { newId } from '../domain/ids.ts';
import { deliveryRepository } from '../store/deliveries.ts';
import { writeEvent } from '../store/outbox.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';
import { DISABLED_BY_PERSON, webhookDisabledEvent, webhookEnabledEvent } from '../domain/operational-events.ts';

type WebhookServiceDeps = {
  db: Db;
  secrets: SecretBox;
  webhookCache: WebhookCache;
  config: Pick<Config, 'allowPrivateAddresses'>;
  clock: Clock;
  announcer: AfterCommit;
};

function throwIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw new ValidationError(errors);
}

/**
 * The (tenant, topic, url) rule, checked and then written in the caller's transaction. Overlapping
 * patterns (`message.*` and `message.created`) are different rows, so no unique index can hold
 * the rule: transactions writing topics at one URL take turns, and each checks what the previous
 * one committed.
 */
async function assertNoConflict(
  trx: Transaction<Database>,
  repo: WebhookRepository,
  tenantId: string,
  settings: WebhookSettings,
  exceptId: string | null,
) {
  await lockName(trx, 'webhook-url', tenantId, settings.url);
  const taken = await repo.topicsAtUrl(tenantId, settings.url, exceptId);
  for (const topic of settings.topics) {
    const clash = taken.find((existing) => patternsOverlap(existing.topic, topic));
    if (clash) throw ConflictError.topicAtUrl(clash.webhookId, topic);
  }
}

/** The updatedAt a change writes: later than the stored one even within one millisecond, since it is the version expectedUpdatedAt names. */
function versionAfter(current: Webhook, now: number): number {
  return Math.max(now, current.updatedAt + 1);
}

export function webhookService({ db, secrets, webhookCache, config, clock, announcer }: WebhookServiceDeps) {
  const schemas = webhookInputSchemas(config.allowPrivateAddresses);

  return {
    async create(tenantId: string, input: CreateWebhookInput): Promise<Webhook> {
      const parsed = parseInput(schemas.create, input, ['input']);
      const settings = settingsFromCreate(parsed);
      throwIfAny(settingsProblems(settings));
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const repo = webhookRepository(trx, secrets);
        await assertNoConflict(trx, repo, tenantId, settings, null);
        return repo.insert({
          id: newId('webhook', now),
          tenantId,
          settings,
          signingSecret: parsed.signingSecret ?? generateSigningSecret(),
          now,
        });
      });
    },

    /** With `expectedUpdatedAt`, only if the webhook is still at that version (checked under the row lock below). */
    async update(tenantId: string, id: string, input: UpdateWebhookInput, expectedUpdatedAt?: number | null): Promise<Webhook> {
      // Null on a value that cannot be cleared gets its own message, in place of the parser's.
      const nullErrors = nullsOnRequired(input).map((path) => ({
        path: ['input', ...path],
        message: 'cannot be null: omit it to keep the current value',
      }));
      const nullPaths = new Set(nullErrors.map((error) => error.path.join('.')));
      const parsed = schemas.update.safeParse(input);
      if (!parsed.success || nullErrors.length > 0) {
        const parseErrors = parsed.success
          ? []
          : fieldErrorsOf(parsed.error, ['input']).filter((error) => !nullPaths.has(error.path.join('.')));
        throw new ValidationError([...nullErrors, ...parseErrors]);
      }
      const changes = parsed.data;
      const { webhook, failed, published } = await db.transaction().execute(async (trx) => {
        const repo = webhookRepository(trx, secrets);
        // Locked: the merge below is over what is stored, so two partial updates must not both read the same state.
        const current = await repo.findByIdForUpdate(tenantId, id);
        if (!current) throw new NotFoundError(id, 'Webhook');
        if (expectedUpdatedAt != null && current.updatedAt !== expectedUpdatedAt) throw ConflictError.changedSince(id);
        const settings = mergeUpdate(current, changes);
        throwIfAny(settingsProblems(settings));
        if (changes.url !== undefined || changes.topics !== undefined) {
          await assertNoConflict(trx, repo, tenantId, settings, current.id);
        }
        const now = versionAfter(current, clock.now());
        const updated = await repo.updateSettings(current, settings, now);
        // A disabled endpoint receives nothing: what was waiting for it fails now (redeliverFailed brings it back).
        const failed = current.enabled && !updated.enabled ? await deliveryRepository(trx).failPending(id, now) : [];
        const told =
          current.enabled === updated.enabled
            ? null
            : updated.enabled
              ? webhookEnabledEvent(id)
              : webhookDisabledEvent(id, DISABLED_BY_PERSON, null);
        const published = told
          ? await writeEvent(trx, webhookCache, {
              tenantId,
              ...told,
              channelType: null,
              echo: false,
              idempotencyKey: null,
              orderingKey: null,
              retain: false,
              now,
            })
          : null;
        return { webhook: updated, failed, published };
      });
      announcer.committed({ deliveries: [...failed, ...(published?.deliveries ?? [])], events: published ? [published.event] : [] });
      return webhook;
    },

    /** Deletes the webhook; its waiting deliveries fail and its history stays. */
    async remove(tenantId: string, id: string): Promise<void> {
      const failed = await db.transaction().execute(async (trx) => {
        if (!(await webhookRepository(trx, secrets).delete(tenantId, id))) throw new NotFoundError(id, 'Webhook');
        return deliveryRepository(trx).failPending(id, clock.now());
      });
      announcer.committed({ deliveries: failed });
    },

    /** Holds the webhook's deliveries (new ones too) until it is resumed; pausing twice keeps the first time. */
    async pause(tenantId: string, id: string): Promise<Webhook> {
      const repo = webhookRepository(db, secrets);
      const current = await repo.findById(tenantId, id);
      if (!current) throw new NotFoundError(id, 'Webhook');
      if (current.pausedAt !== null) return current;
      const now = clock.now();
      const paused = await repo.setPaused(tenantId, id, now, now);
      if (!paused) throw new NotFoundError(id, 'Webhook');
      return paused;
    },

    /** Sends what the webhook held, oldest first, as the claim takes them. */
    async resume(tenantId: string, id: string): Promise<Webhook> {
      const now = clock.now();
      const resumed = await webhookRepository(db, secrets).setPaused(tenantId, id, null, now);
      if (!resumed) throw new NotFoundError(id, 'Webhook');
      announcer.committed({ released: true });
      return resumed;
    },

    /** `secret`: the caller's own (same format rule as at create), e.g. the one its receivers already verify with; generated when absent. */
    async rotateSecret(tenantId: string, id: string, overlapSeconds: number | null | undefined, secret?: string | null): Promise<Webhook> {
      const { min, max, default: byDefault } = inputLimits.secretOverlapSeconds;
      const overlap = overlapSeconds ?? byDefault;
      throwIfAny([
        ...(!Number.isInteger(overlap) || overlap < min || overlap > max
          ? [{ path: ['overlapSeconds'], message: `must be between ${min} and ${max}` }]
          : []),
        ...(secret != null && !isValidSigningSecret(secret) ? [{ path: ['signingSecret'], message: signingSecretRule }] : []),
      ]);
      return db.transaction().execute(async (trx) => {
        const repo = webhookRepository(trx, secrets);
        // Locked: the current secret becomes the previous one, so a second rotation must see the first one's secret.
        const current = await repo.findByIdForUpdate(tenantId, id);
        if (!current) throw new NotFoundError(id, 'Webhook');
        if (secret === current.signingSecret)
          throw ValidationError.at(['signingSecret'], 'is the current secret already: a rotation needs a new one');
        const now = versionAfter(current, clock.now());
        return repo.rotateSecret(current, { secret: secret ?? generateSigningSecret(), previousExpiresAt: now + overlap * 1000, now });
      });
    },
  };
}
