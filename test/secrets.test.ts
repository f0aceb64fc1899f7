import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhook, UpdateWebhook, Viewer } from './helpers/documents.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

describe('secrets never leave through logs or errors', () => {
  let gw: TestApp;
  beforeAll(async () => {
    // No deliveries here: the engine is not started.
    gw = await startTestApp({}, { startWorker: false });
  });
  afterAll(() => gw.close());

  it('keeps bearer tokens, webengage tokens, signing secrets and API keys out of every log line and error', async () => {
    const bearer = 'bearer-SECRET-4b1d';
    const webengageToken = 'webengage-SECRET-77aa';
    const signingSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const created = await gw.data(CreateWebhook, {
      input: {
        url: 'http://127.0.0.1:9/hook',
        topics: ['message.created'],
        type: 'WEBENGAGE',
        bearerToken: bearer,
        signingSecret,
        configuration: { webengage: { webhookUrl: 'http://127.0.0.1:9/we', token: webengageToken } },
      },
    });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error('create failed');
    const id = created.createWebhook.webhook.id;
    expect(JSON.stringify(created.createWebhook.webhook)).not.toContain(bearer);
    expect(JSON.stringify(created.createWebhook.webhook)).not.toContain(webengageToken);

    // Failures that carry the secrets in their input.
    const tooLong = `${bearer}${'x'.repeat(2000)}`;
    const responses = [
      await gw.request(UpdateWebhook, { id, input: { bearerToken: tooLong } }),
      await gw.request(UpdateWebhook, { id, input: { bearerToken: `${bearer}\n` } }),
      await gw.request(UpdateWebhook, { id, input: { configuration: { webengage: { token: `${webengageToken}\r\n` } } } }),
      await gw.request(CreateWebhook, {
        input: { url: 'http://127.0.0.1:9/hook', topics: ['message.*'], bearerToken: bearer, signingSecret },
      }),
      await gw.request(CreateWebhook, { input: { url: 'nope', topics: ['x'], signingSecret: `${signingSecret}!` } }),
      await gw.request(Viewer, {}, `${gw.adminKey}x`),
    ];
    const everything = [...gw.logs, ...responses.map((response) => JSON.stringify(response.body))].join('\n');
    for (const secret of [bearer, webengageToken, signingSecret, signingSecret.slice(6), gw.adminKey]) {
      expect(everything).not.toContain(secret);
    }
    expect(gw.logs.length).toBeGreaterThan(0);
  });
});

describe('unexpected errors', () => {
  it('are masked with a request id that also names the logged error', async () => {
    // No deliveries here: the engine is not started.
    const gw = await startTestApp({}, { startWorker: false });
    // Break the store underneath a live server: the next query fails in a way no resolver expects.
    await gw.app.db.schema.dropTable('webhook_topics').execute();
    await gw.app.db.schema.dropTable('webhooks').execute();
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gw.adminKey },
      body: JSON.stringify({ query: '{ webhooks { totalCount } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string; requestId: string } }[] };
    const error = body.errors[0]!;
    expect(error.message).toMatch(/^Unexpected error/);
    expect(error.message).not.toMatch(/sqlite|postgres|webhooks|no such table|does not exist/i);
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(response.headers.get('x-request-id')).toBe(error.extensions.requestId);
    const logged = gw.logs.find((line) => line.includes('unexpected error') && line.includes(error.extensions.requestId));
    // SQLite says "no such table", Postgres 'relation "webhooks" does not exist'.
    expect(logged).toMatch(/no such table|relation \W+webhooks\W+ does not exist/);
    await gw.close();
  });
});
