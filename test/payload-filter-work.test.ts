import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches } from '../src/domain/topic-routing.ts';
import { ask, gatewayAndReceiverForThisFile } from './helpers/gateway-process.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';

/*
 * Issue 22 row 4: payload filters come from tenants and so do payloads. A matcher whose work
 * grows with pattern x value let 20 filters like `*aaaa…b` against a 262 KB value hold one
 * publish (and the whole server) for 23 s.
 */

/** The rule as a RegExp, only ever run here on small inputs: `*` any run, the rest literal, whole string. */
const reference = (expression: string, value: string) =>
  new RegExp(
    `^${expression
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*')}$`,
  ).test(value);

const HOSTILE_VALUE = 'a'.repeat(262_000);
const hostileExpressions = [
  `*${'a'.repeat(498)}b`,
  `*${'a'.repeat(249)}*${'a'.repeat(248)}b`,
  `a*${'ab'.repeat(248)}*b`,
  `*${'a'.repeat(497)}*`.replace(/a\*$/, 'b*'),
  `${'*a'.repeat(249)}b`,
];

describe('globMatches, linear in the value', () => {
  it('agrees with the rule (`*` any run, the rest literal, whole string, case-sensitive) on generated cases', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '*', '.', '\n'), maxLength: 12 });
    fc.assert(
      fc.property(
        text,
        text.map((value) => value.replaceAll('*', 'c')),
        (expression, value) => {
          expect(globMatches(expression, value)).toBe(reference(expression, value));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('answers hostile expressions against a 262 KB value in time that does not grow with the expression', () => {
    const started = performance.now();
    for (let round = 0; round < 4; round++) {
      for (const expression of hostileExpressions) expect(globMatches(expression, HOSTILE_VALUE)).toBe(false);
    }
    // 20 comparisons of 262 KB: a few ms when linear, tens of seconds when it backtracks.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('a hostile payload filter over HTTP', () => {
  const running = gatewayAndReceiverForThisFile('payload-filter-work');
  const healthz = async () => {
    const started = performance.now();
    const response = await fetch(running.gateway.url.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    return performance.now() - started;
  };

  it('20 filters like *aaaa…b against a 262 KB value: the publish answers promptly and /healthz meanwhile in under 100 ms', {
    timeout: 60_000,
  }, async () => {
    const { gateway, receiver } = running;
    const created = await ask(gateway, CreateWebhook, {
      input: {
        url: receiver.url,
        topics: ['message.*'],
        configuration: { filters: Array.from({ length: 20 }, () => ({ field: 'text', expression: hostileExpressions[0]! })) },
      },
    });
    expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');
    // Every filter matches, only at the very end, so each one is evaluated in full.
    const payload = { text: `${HOSTILE_VALUE}b` };
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const publish = ask(gateway, PublishEvent, { input: { topic: 'message.created', payload } });
      // Late enough that the publish is being routed when /healthz arrives, if routing takes long.
      await new Promise((resolve) => setTimeout(resolve, 200));
      times.push(await healthz());
      const published = await publish;
      expect(published.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 1 });
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    expect(Math.min(...times)).toBeLessThan(100);
  });

  it('a publish whose webhooks would compare more than 32 Mi characters of it is refused, typed, before anything is written', {
    timeout: 60_000,
  }, async () => {
    const { gateway, receiver } = running;
    // Eight webhooks of 20 cheap filters that all match: 8 x 20 x 262 KB, past the budget.
    for (let n = 0; n < 8; n++) {
      const created = await ask(gateway, CreateWebhook, {
        input: {
          url: `${receiver.url}?budget=${n}`,
          topics: ['budget.*'],
          configuration: { filters: Array.from({ length: 20 }, () => ({ field: 'text', expression: '*b' })) },
        },
      });
      expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');
    }
    const published = await ask(gateway, PublishEvent, { input: { topic: 'budget.created', payload: { text: `${HOSTILE_VALUE}b` } } });
    expect(published.publishEvent).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['input', 'payload'], message: expect.stringContaining('would compare more than 32 Mi characters') }],
    });
    const small = await ask(gateway, PublishEvent, { input: { topic: 'budget.created', payload: { text: 'b' } } });
    expect(small.publishEvent).toMatchObject({ __typename: 'PublishEventSuccess', deliveryCount: 8 });
  });
});
