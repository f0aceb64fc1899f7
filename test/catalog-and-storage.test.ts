import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let gw: TestApp;
beforeAll(async () => {
  // No deliveries here: the engine is not started.
  gw = await startTestApp({}, { startWorker: false });
});
afterAll(() => gw.close());

const EventTypes = graphql(`
  query EventTypes {
    eventTypes { name description }
  }
`);

describe('eventTypes', () => {
  it('covers every topic of the seed APIs under one naming scheme', async () => {
    const { eventTypes } = await gw.data(EventTypes, {}, await gw.keyFor(['EVENTS_PUBLISH']));
    const names = eventTypes.map((type) => type.name);
    // Connectly messages/delivery_status, org-apps MESSAGE_*, Kapso messages/status_updates/templates, Interactly workflow_*.
    for (const name of [
      'message.received',
      'message.delivery_status',
      'message.created',
      'message.delivered',
      'message.sent',
      'template.updated',
      'workflow.created',
      'workflow.updated',
      'workflow.deleted',
      'workflow.run_started',
      'workflow.run_completed',
    ]) {
      expect(names).toContain(name);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(eventTypes.every((type) => type.description.length > 10)).toBe(true);
  });
});

describe('storage', () => {
  // Waiting for another connection's write lock happens in the driver, off the thread (sqlite-locks.test.ts).
  it('runs SQLite in WAL mode with foreign keys, and no busy wait inside SQLite', async () => {
    const pragma = async (name: string) =>
      (await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(gw.app.db)).rows[0];
    expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
    expect(await pragma('busy_timeout')).toEqual({ timeout: 0 });
  });
});
