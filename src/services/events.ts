import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { AfterCommit } from '../delivery/after-commit.ts';
import type { StageTrace } from '../delivery/stage-trace.ts';
import { TEST_TOPIC } from '../domain/event-types.ts';
import { jsonTooDeep, tooDeep, tooLong } from '../domain/input-limits.ts';
import { inputLimits as limits } from '../domain/limits.ts';
import { isReservedTopic, RESERVED_TOPIC_PREFIX } from '../domain/operational-events.ts';
import { parseInput, text } from '../domain/validation.ts';
import { requestReceivedAt } from '../request-context.ts';
import type { Db, DeliveryRow, EventRow } from '../store/db.ts';
import { lockName } from '../store/dialect.ts';
import { eventRepository } from '../store/events.ts';
import { routeAhead, writeEvent } from '../store/outbox.ts';
import { storageRepository } from '../store/storage.ts';
import type { WebhookCache } from '../store/webhook-cache.ts';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

const publishInput = z.object({
  topic: z
    .string()
    .max(limits.topicLength.max, tooLong(limits.topicLength.max))
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be an event type such as message.created (no wildcards)')
    .refine((topic) => topic !== TEST_TOPIC, `${TEST_TOPIC} is sent by sendTestEvent only`)
    .refine(
      (topic) => !isReservedTopic(topic),
      `${RESERVED_TOPIC_PREFIX}* topics are the gateway's own events; tenants cannot publish them`,
    ),
  // One check after another, each only once the one before passed: JSON.stringify recurses and
  // overflows the stack on a value nested a few thousand deep, so depth is checked first.
  payload: z.unknown().superRefine((payload, ctx) => {
    if (payload === undefined || payload === null) ctx.addIssue({ code: 'custom', message: 'is required' });
    else if (jsonTooDeep(payload)) ctx.addIssue({ code: 'custom', message: tooDeep });
    else if (Buffer.byteLength(JSON.stringify(payload)) > limits.payloadBytes.max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${limits.payloadBytes.max / 1024} KiB as JSON` });
    }
  }),
  channelType: text().min(1, 'must not be empty').max(limits.channelTypeLength.max, tooLong(limits.channelTypeLength.max)).nullish(),
  echo: z.boolean().nullish(),
  idempotencyKey: text().min(1, 'must not be empty').max(limits.callerKeyLength.max, tooLong(limits.callerKeyLength.max)).nullish(),
  orderingKey: text().min(1, 'must not be empty').max(limits.callerKeyLength.max, tooLong(limits.callerKeyLength.max)).nullish(),
  retain: z.boolean().nullish(),
});

// GraphQL types a JSON argument as optional; the parse insists on a payload.
export type PublishEventInput = Partial<z.input<typeof publishInput>> & { topic: string };
export type Published = { event: EventRow; deliveryCount: number };

type EventServiceDeps = {
  db: Db;
  webhookCache: WebhookCache;
  clock: Clock;
  announcer: AfterCommit;
  stages: StageTrace;
  config: Pick<Config, 'storageBytesPerTenant'>;
};

/** What a tenant's stored events take, and its quota (null: none). */
export type StorageUsage = { usedBytes: number; limitBytes: number | null };

export function eventService({ db, webhookCache, clock, announcer, stages, config }: EventServiceDeps) {
  return {
    async storage(tenantId: string): Promise<StorageUsage> {
      return { usedBytes: await storageRepository(db).used(tenantId), limitBytes: config.storageBytesPerTenant };
    },

    async publish(tenantId: string, input: PublishEventInput): Promise<Published> {
      // From the HTTP request's arrival; a publish made in-process (the bench, tests) from this call.
      const received = requestReceivedAt() ?? performance.now();
      const parsed = parseInput(publishInput, input, ['input']);
      const now = clock.now();
      const event = {
        topic: parsed.topic,
        payload: parsed.payload,
        channelType: parsed.channelType ?? null,
        echo: parsed.echo ?? false,
        idempotencyKey: parsed.idempotencyKey ?? null,
        orderingKey: parsed.orderingKey ?? null,
        retain: parsed.retain ?? false,
      };
      const routing = await routeAhead(db, webhookCache, tenantId, event);
      const result = await db
        .transaction()
        .execute(async (trx): Promise<{ event: EventRow; deliveries: DeliveryRow[]; deliveryCount: number }> => {
          const events = eventRepository(trx);
          if (event.idempotencyKey) {
            // Concurrent publishes with one key wait here for the first to commit, then find its event.
            await lockName(trx, 'idempotency-key', tenantId, event.idempotencyKey);
            const first = await events.findByIdempotencyKey(tenantId, event.idempotencyKey, now - IDEMPOTENCY_WINDOW_MS);
            if (first) return { event: first, deliveries: [], deliveryCount: first.delivery_count };
          }
          const written = await writeEvent(
            trx,
            webhookCache,
            { tenantId, ...event, now, storageCap: config.storageBytesPerTenant },
            routing,
          );
          return { ...written, deliveryCount: written.deliveries.length };
        });
      stages.observe('publish_commit', 'claimed', (performance.now() - received) / 1000);
      announcer.committed({ deliveries: result.deliveries });
      return { event: result.event, deliveryCount: result.deliveryCount };
    },
  };
}
