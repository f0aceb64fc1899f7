import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { fakeClock, type FakeClock } from './helpers/clock.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { startReceiver, verifiesWith, type Receiver } from './helpers/receiver.ts';

/*
 * No lost edits (updateWebhook with expectedUpdatedAt) and bringing one's own signing secret to a
 * rotation, over the real server; the rotation is checked by a loopback receiver verifying
 * signatures with a Standard Webhooks library, as a tenant's receiver would.
 */

const UpdateVersioned = graphql(`
  mutation UpdateVersioned($id: ID!, $input: UpdateWebhookInput!, $expectedUpdatedAt: DateTime) {
    updateWebhook(id: $id, input: $input, expectedUpdatedAt: $expectedUpdatedAt) {
      __typename
      ... on UpdateWebhookSuccess { webhook { id name updatedAt } }
      ... on ConflictError { code reason message existingWebhook { id name updatedAt } }
    }
  }
`);

const RotateOwn = graphql(`
  mutation RotateOwn($id: ID!, $overlapSeconds: Int, $signingSecret: String) {
    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds, signingSecret: $signingSecret) {
      __typename
      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { updatedAt } }
      ... on ValidationError { message fieldErrors { path message } }
    }
  }
`);

let clock: FakeClock;
let gw: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  clock = fakeClock(Date.now());
  // On this thread: settle() drives the worker, which signs by the fake clock (the secrets' overlap).
  gw = await startTestApp({ DELIVERY_WORKERS: '0' }, { clock, random: () => 0.5, startWorker: false });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

let hooks = 0;
async function createHook(input: { signingSecret?: string } = {}) {
  const path = `/hook/${++hooks}`;
  const data = await gw.data(CreateWebhook, {
    input: { url: `${receiver.url}${path}`, topics: ['message.created'], name: 'first', ...input },
  });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return {
    id: data.createWebhook.webhook.id,
    updatedAt: data.createWebhook.webhook.updatedAt,
    secret: data.createWebhook.signingSecret,
    path,
  };
}

describe('updateWebhook with expectedUpdatedAt', () => {
  it('writes when the webhook is still at that version, and otherwise answers ConflictError with the webhook as it stands', async () => {
    const hook = await createHook();
    const first = await gw.data(UpdateVersioned, { id: hook.id, input: { name: 'second' }, expectedUpdatedAt: hook.updatedAt });
    if (first.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error(JSON.stringify(first.updateWebhook));
    // Same fake millisecond, still a new version.
    expect(Date.parse(first.updateWebhook.webhook.updatedAt)).toBeGreaterThan(Date.parse(hook.updatedAt));

    const stale = await gw.data(UpdateVersioned, { id: hook.id, input: { name: 'lost' }, expectedUpdatedAt: hook.updatedAt });
    expect(stale.updateWebhook).toEqual({
      __typename: 'ConflictError',
      code: 'CONFLICT',
      reason: 'CHANGED_SINCE',
      message: expect.stringContaining(hook.id),
      existingWebhook: first.updateWebhook.webhook,
    });
    // Without the argument: today's behaviour, whatever the version.
    const blind = await gw.data(UpdateVersioned, { id: hook.id, input: { name: 'third' } });
    expect(blind.updateWebhook).toMatchObject({ __typename: 'UpdateWebhookSuccess', webhook: { name: 'third' } });
  });

  it('lets exactly one of two concurrent updates from the same version win', async () => {
    for (let round = 0; round < 5; round++) {
      const hook = await createHook();
      const results = await Promise.all(
        ['left', 'right'].map((name) => gw.data(UpdateVersioned, { id: hook.id, input: { name }, expectedUpdatedAt: hook.updatedAt })),
      );
      const kinds = results.map((result) => result.updateWebhook.__typename).sort();
      expect(kinds, `round ${round}`).toEqual(['ConflictError', 'UpdateWebhookSuccess']);
      const winner = results.find((result) => result.updateWebhook.__typename === 'UpdateWebhookSuccess')!.updateWebhook;
      const loser = results.find((result) => result.updateWebhook.__typename === 'ConflictError')!.updateWebhook;
      if (winner.__typename !== 'UpdateWebhookSuccess' || loser.__typename !== 'ConflictError') throw new Error('unreachable');
      expect(loser.existingWebhook).toEqual(winner.webhook);
    }
  });
});

describe("rotateSigningSecret with the caller's secret", () => {
  it('signs with it from then on, and with the old one too during the overlap, so receivers verifying with either accept', async () => {
    const hook = await createHook();
    const own = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const rotated = await gw.data(RotateOwn, { id: hook.id, overlapSeconds: 60, signingSecret: own });
    expect(rotated.rotateSigningSecret).toMatchObject({ __typename: 'RotateSigningSecretSuccess', signingSecret: own });

    const publish = async () => {
      const data = await gw.data(PublishEvent, { input: { topic: 'message.created', payload: { n: 1 } } });
      if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
      await gw.app.worker.settle();
      const request = receiver.requests.filter((r) => r.path === hook.path).at(-1)!;
      expect(request.headers['webhook-id']).toBe(data.publishEvent.event.id);
      return request;
    };
    const during = await publish();
    expect(verifiesWith(own, during)).toBe(true);
    expect(verifiesWith(hook.secret, during)).toBe(true);

    // Past the overlap, and still within the receivers' 5-minute timestamp tolerance.
    clock.advance(61_000);
    const after = await publish();
    expect(verifiesWith(own, after)).toBe(true);
    expect(verifiesWith(hook.secret, after)).toBe(false);
  });

  it('refuses a malformed secret with a ValidationError that, like the logs, never holds it, and changes nothing', async () => {
    const hook = await createHook();
    const bad = [
      `whsec_${Buffer.alloc(8, 3).toString('base64')}`,
      `whsec_${Buffer.alloc(32, 4).toString('base64url')}-`,
      'plain-SECRET-9f9f',
    ];
    const responses = [];
    for (const signingSecret of bad) {
      const response = await gw.request(RotateOwn, { id: hook.id, signingSecret });
      expect(response.body.data?.rotateSigningSecret).toMatchObject({
        __typename: 'ValidationError',
        fieldErrors: [{ path: ['signingSecret'] }],
      });
      responses.push(JSON.stringify(response.body));
    }
    const everything = [...gw.logs, ...responses].join('\n');
    for (const secret of bad) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(6));
    }
    // Still signing with the secret it was created with, and no rotation under way.
    const current = await gw.data(graphql(`query VersionsSecret($id: ID!) { webhook(id: $id) { signingSecret updatedAt } }`), {
      id: hook.id,
    });
    expect(current.webhook).toEqual({ signingSecret: hook.secret, updatedAt: hook.updatedAt });
  });
});
