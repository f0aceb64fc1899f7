import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.ts';
import type { AttemptOutcome } from '../src/domain/delivery-lifecycle.ts';
import type { NewAttemptRow } from '../src/store/db.ts';
import { graphql } from './gql/index.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

// Webhook.activity, the monitor chart's query: minutes counted by outcome, only the window's.

let gw: TestApp;
beforeAll(async () => {
  gw = await startTestApp({}, { startWorker: false });
});
afterAll(() => gw.close());

const Activity = graphql(`
  query ActivityOf($id: ID!, $minutes: Int) {
    webhook(id: $id) {
      activity(minutes: $minutes) {
        since attempts succeeded p50DurationMs p99DurationMs
        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }
      }
    }
  }
`);

it('counts the window’s attempts per minute by outcome, and leaves older ones out', async () => {
  const created = await gw.data(CreateWebhook, { input: { url: 'http://127.0.0.1:9/a', topics: ['message.*'] } });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
  const webhookId = created.createWebhook.webhook.id;
  const now = Date.now();
  const minuteStart = Math.floor(now / 60_000) * 60_000;
  // Rows as the worker records them (id = ULID of the finish time), written directly: the
  // durations and outcomes are then exactly known.
  // Real deliveries to hang the rows on (the worker is off, so they stay PENDING).
  const deliveries: { id: string; eventId: string }[] = [];
  for (let n = 0; n < 5; n++) {
    const published = await gw.data(PublishEvent, { input: { topic: 'message.created', payload: { n } } });
    if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error('publish failed');
    deliveries.push({ id: published.publishEvent.event.deliveries[0]!.id, eventId: published.publishEvent.event.id });
  }
  const row = (startedAt: number, outcome: AttemptOutcome, durationMs: number): NewAttemptRow => ({
    id: newId('attempt', startedAt + durationMs),
    tenant_id: gw.tenantId,
    delivery_id: deliveries[0]!.id,
    webhook_id: webhookId,
    event_id: deliveries[0]!.eventId,
    attempt_number: 1,
    trigger: 'SCHEDULED',
    outcome,
    url: 'http://127.0.0.1:9/a',
    response_status: outcome === 'SUCCEEDED' ? 200 : 500,
    response_body: null,
    error: null,
    duration_ms: durationMs,
    started_at: startedAt,
    finished_at: startedAt + durationMs,
    next_attempt_at: null,
  });
  await gw.app.db
    .insertInto('delivery_attempts')
    .values([
      row(minuteStart + 1, 'SUCCEEDED', 10),
      row(minuteStart + 2, 'SUCCEEDED', 30),
      row(minuteStart + 3, 'HTTP_ERROR', 50),
      row(minuteStart - 5 * 60_000, 'TIMED_OUT', 1000),
      row(minuteStart - 2 * 3_600_000, 'SUCCEEDED', 5), // outside the hour
    ])
    .execute();

  const hour = (await gw.data(Activity, { id: webhookId, minutes: 60 })).webhook!.activity;
  expect(hour.since).toBe(new Date(minuteStart - 59 * 60_000).toISOString());
  expect(hour).toMatchObject({ attempts: 4, succeeded: 2 });
  expect(hour.minutes).toEqual([
    {
      minute: new Date(minuteStart - 5 * 60_000).toISOString(),
      attempts: 1,
      succeeded: 0,
      httpError: 0,
      timedOut: 1,
      connectionError: 0,
      blocked: 0,
      avgDurationMs: 1000,
      maxDurationMs: 1000,
    },
    {
      minute: new Date(minuteStart).toISOString(),
      attempts: 3,
      succeeded: 2,
      httpError: 1,
      timedOut: 0,
      connectionError: 0,
      blocked: 0,
      avgDurationMs: 30,
      maxDurationMs: 50,
    },
  ]);
  expect(hour.p50DurationMs).toBe(30);
  expect(hour.p99DurationMs).toBe(1000);

  const day = (await gw.data(Activity, { id: webhookId, minutes: 100_000 })).webhook!.activity;
  expect(day.attempts).toBe(5); // clamped to 1,440 minutes, which reaches the two-hour-old one
  const one = (await gw.data(Activity, { id: webhookId, minutes: -3 })).webhook!.activity;
  expect(one.attempts).toBe(3); // clamped to 1: this minute only
});
