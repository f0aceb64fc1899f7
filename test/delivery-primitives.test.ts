import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  filtersMatch,
  globMatches,
  patternsOverlap,
  receives,
  topicMatches,
  topicPatternsFor,
  valueAtPath,
} from '../src/domain/topic-routing.ts';
import { MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelayMs } from '../src/delivery/retry-schedule.ts';
import type { BackoffStrategy } from '../src/domain/webhook.ts';
import { generateSigningSecret, isValidSigningSecret } from '../src/domain/signing-secret.ts';
import { signPayload } from '../src/delivery/signer.ts';

describe('topicMatches', () => {
  it.each([
    ['message.created', 'message.created', true],
    ['message.created', 'message.updated', false],
    ['message.created', 'message', false],
    ['message.*', 'message.created', true],
    ['message.*', 'message.status.read', true],
    ['message.*', 'message', false],
    ['message.*', 'messages.created', false],
    ['message.status.*', 'message.status.read', true],
    ['message.status.*', 'message.created', false],
    ['*', 'message.created', true],
    ['*', 'webhook.test', true],
    ['message', 'message.created', false],
    // The gateway's own family: by name or family only, never by `*`.
    ['*', 'gateway.delivery.failing', false],
    ['*', 'gateway', true],
    ['*', 'gateways.x', true],
    ['gateway.*', 'gateway.delivery.failing', true],
    ['gateway.webhook.*', 'gateway.webhook.disabled', true],
    ['gateway.webhook.*', 'gateway.delivery.failing', false],
    ['gateway.delivery.exhausted', 'gateway.delivery.exhausted', true],
  ])('%s against %s -> %s', (pattern, topic, expected) => {
    expect(topicMatches(pattern, topic)).toBe(expected);
  });
});

describe('receives', () => {
  const webhook = {
    id: 'wh_1',
    enabled: true,
    topics: ['message.*'],
    configuration: { echo: false, channelTypes: [] as string[], filters: [{ field: 'kind', expression: 'order' }] },
  };
  const event = { topic: 'message.created', payload: { kind: 'order' }, channelType: null, echo: false };
  it.each([
    ['a matching event', {}, {}, true],
    ['a disabled webhook', { enabled: false }, {}, false],
    ['another topic', {}, { topic: 'workflow.created' }, false],
    ['a payload the filter refuses', {}, { payload: { kind: 'refund' } }, false],
    ['an echo event without echo', {}, { echo: true }, false],
    ['an echo event with echo', { configuration: { ...webhook.configuration, echo: true } }, { echo: true }, true],
    ['no channel when channelTypes is set', { configuration: { ...webhook.configuration, channelTypes: ['sms'] } }, {}, false],
    ['another channel', { configuration: { ...webhook.configuration, channelTypes: ['sms'] } }, { channelType: 'whatsapp' }, false],
    ['a listed channel', { configuration: { ...webhook.configuration, channelTypes: ['sms'] } }, { channelType: 'sms' }, true],
    [
      'an operational event about another webhook',
      { topics: ['gateway.*'], configuration: { ...webhook.configuration, filters: [] } },
      { topic: 'gateway.delivery.failing', payload: { webhookId: 'wh_2' } },
      true,
    ],
    [
      'an operational event about this webhook',
      { topics: ['gateway.*'], configuration: { ...webhook.configuration, filters: [] } },
      { topic: 'gateway.delivery.failing', payload: { webhookId: 'wh_1' } },
      false,
    ],
    [
      'an operational event at *',
      { topics: ['*'], configuration: { ...webhook.configuration, filters: [] } },
      { topic: 'gateway.delivery.failing', payload: { webhookId: 'wh_2' } },
      false,
    ],
    [
      'a tenant event naming this webhook in its payload',
      { configuration: { ...webhook.configuration, filters: [] } },
      { payload: { webhookId: 'wh_1' } },
      true,
    ],
  ])('%s -> %s', (_name, webhookChange, eventChange, expected) => {
    expect(receives({ ...webhook, ...webhookChange }, { ...event, ...eventChange })).toBe(expected);
  });
});

describe('topicPatternsFor', () => {
  it.each([
    ['a.b.c', ['a.b.c', 'a.*', 'a.b.*', '*']],
    ['message.created', ['message.created', 'message.*', '*']],
    ['ping', ['ping', '*']],
    ['gateway.webhook.disabled', ['gateway.webhook.disabled', 'gateway.*', 'gateway.webhook.*']],
  ])('%s -> %j', (topic, expected) => {
    expect(topicPatternsFor(topic)).toEqual(expected);
  });

  it.each(['a.b.c', 'gateway.b.c'])('lists exactly the patterns that match %s', (topic) => {
    const [first] = topic.split('.');
    const candidates = ['a.b.c', 'a.*', 'a.b.*', 'a.b.c.*', '*', 'a', 'a.b', 'b.*', 'a.c.*'].map((p) => p.replace(/^a\b/, first!));
    expect(candidates.filter((p) => topicMatches(p, topic)).sort()).toEqual(topicPatternsFor(topic).sort());
  });
});

describe('patternsOverlap', () => {
  it.each([
    ['message.created', 'message.created', true],
    ['message.created', 'message.updated', false],
    ['*', 'message.created', true],
    ['message.*', '*', true],
    ['message.*', 'message.created', true],
    ['message.created', 'message.*', true],
    ['message.*', 'message', false],
    ['message.*', 'message.status.*', true],
    ['message.status.*', 'message.*', true],
    ['message.*', 'messages.*', false],
    ['message.status.*', 'message.created', false],
    ['message.*', 'contact.*', false],
    ['*', 'gateway.*', false],
    ['gateway.webhook.disabled', '*', false],
    ['*', 'gateway', true],
    ['gateway.*', 'gateway.webhook.disabled', true],
  ])('%s and %s -> %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
  });
});

describe('valueAtPath', () => {
  const payload = {
    message: { type: 'text', to: ['+1555', '+1666'], meta: { count: 3, urgent: false, nothing: null } },
    'flat.key': 'not reachable by a dot path',
  };
  it.each([
    ['message.type', 'text'],
    ['message.to.1', '+1666'],
    ['message.to.2', undefined],
    ['message.to.first', undefined],
    ['message.meta.count', 3],
    ['message.meta.urgent', false],
    ['message.meta.nothing', null],
    ['message.missing.deeper', undefined],
    ['message.type.length', undefined],
    ['message.constructor', undefined],
    ['message.__proto__', undefined],
  ])('%s -> %j', (path, expected) => {
    expect(valueAtPath(payload, path)).toEqual(expected);
  });

  it('returns nested objects whole', () => {
    expect(valueAtPath(payload, 'message.meta')).toEqual(payload.message.meta);
  });
});

describe('globMatches', () => {
  it.each([
    ['text', 'text', true],
    ['text', 'Text', false],
    ['text', 'texts', false],
    ['text', 'a text', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['te*', 'text', true],
    ['te*', 'te', true],
    ['*xt', 'text', true],
    ['t*t', 'tt', true],
    ['t*t', 'test text', true],
    ['t*t', 'tex', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['+1*', '+1555', true],
    ['a.c', 'abc', false],
    ['a.c', 'a.c', true],
    ['(x)?[y]{2}^$|\\', '(x)?[y]{2}^$|\\', true],
    ['*\n*', 'line one\nline two', true],
    ['**', 'x', true],
  ])('%j against %j -> %s', (expression, value, expected) => {
    expect(globMatches(expression, value)).toBe(expected);
  });

  it('stays fast on expressions that make backtracking regexes explode', () => {
    const started = performance.now();
    expect(globMatches(`${'*a'.repeat(30)}b`, 'a'.repeat(5_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('filtersMatch', () => {
  const payload = { message: { type: 'text', count: 3, urgent: true, meta: { a: 1 }, nothing: null } };
  it.each([
    ['no filters', [], true],
    ['one string filter', [{ field: 'message.type', expression: 'text' }], true],
    ['a glob', [{ field: 'message.type', expression: 't*' }], true],
    ['a number', [{ field: 'message.count', expression: '3' }], true],
    ['a boolean', [{ field: 'message.urgent', expression: 'true' }], true],
    [
      'all of several',
      [
        { field: 'message.type', expression: 'text' },
        { field: 'message.count', expression: '3' },
      ],
      true,
    ],
    [
      'one of several fails',
      [
        { field: 'message.type', expression: 'text' },
        { field: 'message.count', expression: '4' },
      ],
      false,
    ],
    ['a missing field', [{ field: 'message.other', expression: '*' }], false],
    ['an object value', [{ field: 'message.meta', expression: '*' }], false],
    ['a null value', [{ field: 'message.nothing', expression: '*' }], false],
  ])('%s -> %s', (_name, filters, expected) => {
    expect(filtersMatch(filters, payload)).toBe(expected);
  });
});

describe('signer', () => {
  const id = 'msg_01J0000000000000000000000';
  const body = '{"type":"message.created","timestamp":"2024-01-01T00:00:00.000Z","data":{"a":1}}';
  const headersFor = (timestamp: number, signature: string) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  });

  it('produces a signature that standardwebhooks verifies, byte for byte the same as its own', () => {
    const secret = generateSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signPayload({ id, timestamp, body, secrets: [secret] });
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headersFor(timestamp, signature))).toEqual(JSON.parse(body));
    expect(signature).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
  });

  it('signs with both secrets during a rotation, and each verifies', () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signPayload({ id, timestamp, body, secrets: [oldSecret, newSecret] });
    expect(signature.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headersFor(timestamp, signature))).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headersFor(timestamp, signature))).not.toThrow();
  });

  it('fails verification with another secret or a changed body', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = generateSigningSecret();
    const signature = signPayload({ id, timestamp, body, secrets: [secret] });
    expect(() => new Webhook(generateSigningSecret()).verify(body, headersFor(timestamp, signature))).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headersFor(timestamp, signature))).toThrow();
  });

  it('refuses to sign with an invalid secret, without echoing it', () => {
    expect(() => signPayload({ id, timestamp: 1, body, secrets: ['whsec_tooShort='] })).toThrow(/^invalid signing secret$/);
  });

  it('generates valid 32-byte secrets', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(isValidSigningSecret(secret)).toBe(true);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
  it.each([
    ['24 bytes', `whsec_${b64(24)}`, true],
    ['64 bytes', `whsec_${b64(64)}`, true],
    ['23 bytes', `whsec_${b64(23)}`, false],
    ['65 bytes', `whsec_${b64(65)}`, false],
    ['no prefix', b64(32), false],
    ['wrong prefix', `whsk_${b64(32)}`, false],
    ['missing padding', `whsec_${b64(32).replace(/=+$/, '')}`, false],
    ['URL-safe alphabet', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}=`, false],
    ['stray characters', `whsec_${b64(32).slice(0, 10)}!${b64(32).slice(10)}`, false],
    ['empty key', 'whsec_', false],
  ])('isValidSigningSecret: %s -> %s', (_name, secret, expected) => {
    expect(isValidSigningSecret(secret)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  const middle = () => 0.5;
  it.each<[BackoffStrategy, number, number]>([
    ['FIXED', 1, 30_000],
    ['FIXED', 4, 30_000],
    ['LINEAR', 1, 30_000],
    ['LINEAR', 4, 120_000],
    ['EXPONENTIAL', 1, 30_000],
    ['EXPONENTIAL', 2, 60_000],
    ['EXPONENTIAL', 5, 480_000],
  ])('%s after attempt %i with no jitter -> %i ms', (strategy, attemptNumber, expected) => {
    expect(retryDelayMs({ attemptNumber, backoffSeconds: 30, strategy, random: middle })).toBe(expected);
  });

  it('jitters by up to 20% either way', () => {
    const params = { attemptNumber: 3, backoffSeconds: 30, strategy: 'EXPONENTIAL' as const };
    expect(retryDelayMs({ ...params, random: () => 0 })).toBe(96_000);
    expect(retryDelayMs({ ...params, random: () => 0.75 })).toBe(132_000);
    expect(retryDelayMs({ ...params, random: () => 0.999999 })).toBe(144_000);
  });

  it('never waits more than 24 hours', () => {
    expect(MAX_RETRY_DELAY_MS).toBe(86_400_000);
    expect(retryDelayMs({ attemptNumber: 20, backoffSeconds: 300, strategy: 'EXPONENTIAL', random: middle })).toBe(86_400_000);
    expect(retryDelayMs({ attemptNumber: 2000, backoffSeconds: 300, strategy: 'EXPONENTIAL', random: middle })).toBe(86_400_000);
    expect(retryDelayMs({ attemptNumber: 1, backoffSeconds: 1, strategy: 'FIXED', random: middle, retryAfterMs: 10 ** 12 })).toBe(
      86_400_000,
    );
  });

  it('waits at least as long as Retry-After asks', () => {
    const params = { attemptNumber: 1, backoffSeconds: 30, strategy: 'FIXED' as const, random: middle };
    expect(retryDelayMs({ ...params, retryAfterMs: 120_000 })).toBe(120_000);
    expect(retryDelayMs({ ...params, retryAfterMs: 1_000 })).toBe(30_000);
    expect(retryDelayMs({ ...params, retryAfterMs: null })).toBe(30_000);
  });

  it('uses Math.random by default, within the jitter bounds', () => {
    const delay = retryDelayMs({ attemptNumber: 1, backoffSeconds: 10, strategy: 'FIXED' });
    expect(delay).toBeGreaterThanOrEqual(8_000);
    expect(delay).toBeLessThanOrEqual(12_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2015, 9, 21, 7, 28, 0);
  it.each([
    ['delta-seconds', '7', 7_000],
    ['zero seconds', '0', 0],
    ['surrounding whitespace', ' 120 ', 120_000],
    ['IMF-fixdate', 'Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['IMF-fixdate in the past', 'Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['obsolete RFC 850 date', 'Wednesday, 21-Oct-15 07:29:00 GMT', 60_000],
    ['obsolete asctime date', 'Wed Oct 21 07:28:05 2015', 5_000],
    ['asctime with a misaligned day', 'Thu Oct  22 07:28:00 2015', null],
    ['absent', undefined, null],
    ['null', null, null],
    ['empty', '', null],
    ['negative', '-5', null],
    ['fractional', '1.5', null],
    ['a loose date Date.parse would accept', '7.5', null],
    ['ISO 8601', '2015-10-21T07:28:30Z', null],
    ['an impossible day', 'Sat, 31 Feb 2015 07:28:30 GMT', null],
    ['garbage', 'soon', null],
  ])('%s (%j) -> %j', (_name, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('reads a one-digit asctime day', () => {
    expect(parseRetryAfter('Fri Oct  2 00:00:00 2015', Date.UTC(2015, 9, 1))).toBe(86_400_000);
  });
});
