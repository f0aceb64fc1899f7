import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWebhookInput, HttpHeaderInput } from './gql/graphql.ts';
import { CreateWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { graphqlAt } from './helpers/app.ts';
import { ask, killGatewayProcesses, publishAt, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';
import { WebhookTotalCount } from './helpers/webhook-count.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { graphql } from './gql/index.ts';

/*
 * Custom webhook headers are checked against what HTTP allows (RFC 9110) and against what the
 * gateway owns, by one rule in src/domain/webhook-rules.ts, for createWebhook and updateWebhook
 * alike, through the real server process. Legal but unusual headers reach a real receiver
 * exactly as written.
 */

const SECRET = 'S3cr3t-MARKER-4b1d';

/** Two good headers first, so a bad one sits at index 2. */
const good = [
  { name: 'X-First', value: 'one' },
  { name: 'X-Second', value: 'two' },
];

/** [label, the field its error is reported at, the bad header (at index 2)] */
const badHeaders: [string, 'name' | 'value', HttpHeaderInput][] = [
  ['an empty name', 'name', { name: '', value: 'v' }],
  ['a space in the name', 'name', { name: 'X Bad', value: 'v' }],
  ['a colon in the name', 'name', { name: 'X-Bad:', value: 'v' }],
  ['a pseudo-header name', 'name', { name: ':authority', value: 'v' }],
  ['a tab in the name', 'name', { name: 'X\tBad', value: 'v' }],
  ['a line break in the name', 'name', { name: 'X-A\r\nX-B', value: 'v' }],
  ['a NUL in the name', 'name', { name: 'X-A\0', value: 'v' }],
  ['a control character in the name', 'name', { name: 'X-\u0001', value: 'v' }],
  ['a non-ASCII name', 'name', { name: 'X-Ünicode', value: 'v' }],
  ['a separator ( in the name', 'name', { name: 'X(A)', value: 'v' }],
  ['a separator / in the name', 'name', { name: 'X/A', value: 'v' }],
  ['a separator @ in the name', 'name', { name: 'X@A', value: 'v' }],
  ['a separator " in the name', 'name', { name: 'X"A', value: 'v' }],
  ['a separator , in the name', 'name', { name: 'X,A', value: 'v' }],
  ['a separator = in the name', 'name', { name: 'X=A', value: 'v' }],
  ['a separator [ in the name', 'name', { name: 'X[A', value: 'v' }],
  ['a name of 257 characters', 'name', { name: `X-${'n'.repeat(255)}`, value: 'v' }],
  ['Host', 'name', { name: 'Host', value: 'evil.example.com' }],
  ['Content-Length', 'name', { name: 'Content-Length', value: '0' }],
  ['Content-Type', 'name', { name: 'content-type', value: 'text/plain' }],
  ['Content-Encoding', 'name', { name: 'Content-Encoding', value: 'gzip' }],
  ['another Content-* header', 'name', { name: 'Content-Range', value: 'bytes 0-1/2' }],
  ['Transfer-Encoding', 'name', { name: 'Transfer-Encoding', value: 'chunked' }],
  ['Connection', 'name', { name: 'Connection', value: 'close' }],
  ['Keep-Alive', 'name', { name: 'Keep-Alive', value: 'timeout=5' }],
  ['Proxy-Authorization', 'name', { name: 'Proxy-Authorization', value: 'Basic x' }],
  ['Proxy-Connection', 'name', { name: 'Proxy-Connection', value: 'keep-alive' }],
  ['any Proxy-* header', 'name', { name: 'Proxy-Anything', value: 'x' }],
  ['TE', 'name', { name: 'TE', value: 'trailers' }],
  ['Trailer', 'name', { name: 'Trailer', value: 'X-A' }],
  ['Upgrade', 'name', { name: 'Upgrade', value: 'websocket' }],
  ['HTTP2-Settings', 'name', { name: 'HTTP2-Settings', value: 'AAMAAABkAARAAAAAAAIAAAAA' }],
  ['Expect', 'name', { name: 'Expect', value: '100-continue' }],
  ['User-Agent', 'name', { name: 'User-Agent', value: 'mine/1.0' }],
  ['webhook-id', 'name', { name: 'webhook-id', value: 'msg_x' }],
  ['webhook-timestamp', 'name', { name: 'Webhook-Timestamp', value: '0' }],
  ['webhook-signature', 'name', { name: 'WEBHOOK-SIGNATURE', value: 'v1,x' }],
  ['any webhook-* header', 'name', { name: 'webhook-version', value: '1' }],
  ['a name given twice in another case', 'name', { name: 'x-second', value: 'again' }],
  ['a CR in the value', 'value', { name: 'X-Bad', value: `a\rb` }],
  ['a LF in the value', 'value', { name: 'X-Bad', value: `a\nb` }],
  ['a header injection in the value', 'value', { name: 'X-Bad', value: `a\r\nX-Injected: yes` }],
  ['a NUL in the value', 'value', { name: 'X-Bad', value: `a\0b` }],
  ['a control character in the value', 'value', { name: 'X-Bad', value: `a\u0001b` }],
  ['an escape in the value', 'value', { name: 'X-Bad', value: `a\u001b[31mb` }],
  ['a vertical tab in the value', 'value', { name: 'X-Bad', value: `a\u000bb` }],
  ['a form feed in the value', 'value', { name: 'X-Bad', value: `a\u000cb` }],
  ['DEL in the value', 'value', { name: 'X-Bad', value: `a\u007fb` }],
  ['a Latin-1 letter in the value', 'value', { name: 'X-Bad', value: 'café' }],
  ['an emoji in the value', 'value', { name: 'X-Bad', value: 'ok 👍' }],
  ['a Unicode line separator in the value', 'value', { name: 'X-Bad', value: 'a\u2028b' }],
  ['a leading space in the value', 'value', { name: 'X-Bad', value: ' v' }],
  ['a trailing space in the value', 'value', { name: 'X-Bad', value: 'v ' }],
  ['a leading tab in the value', 'value', { name: 'X-Bad', value: '\tv' }],
  ['a trailing tab in the value', 'value', { name: 'X-Bad', value: 'v\t' }],
  ['only a space as the value', 'value', { name: 'X-Bad', value: ' ' }],
  ['a value of 4,097 characters', 'value', { name: 'X-Bad', value: 'v'.repeat(4097) }],
];

/** Legal, if unusual: each is sent to the receiver exactly as written (names compare case-insensitively). */
const unusualButLegal: HttpHeaderInput[] = [
  { name: "X-!#$%&'*+-.^_`|~09azAZ", value: 'every tchar in the name' },
  { name: 'X-MiXeD-CaSe', value: 'MiXeD' },
  { name: 'X-Tabs-And-Spaces', value: 'a  b\tc \t d' },
  { name: 'X-Visible-Ascii', value: Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('') },
  { name: 'X-Quoted', value: '"quoted, with commas", list; q=0.5, token=abc==' },
  { name: 'X-Empty', value: '' },
  { name: 'X-One', value: 'x' },
  { name: 'Authorization', value: 'Basic dXNlcjpwYXNz' },
  { name: 'Cookie', value: 'a=b; c=d' },
  { name: 'X-Forwarded-For', value: '203.0.113.7' },
  { name: `X-${'n'.repeat(254)}`, value: 'a name of 256 characters' },
  { name: 'X-Long', value: 'v'.repeat(4096) },
];

const dir = mkdtempSync(join(tmpdir(), 'gateway-headers-'));
let gateway: GatewayProcess;
let receiver: Receiver;
let existingId: string;
let counter = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  // Private addresses allowed, so deliveries can reach the receiver on 127.0.0.1; LOG_LEVEL debug
  // so that any log line that could carry a header value is there to be searched.
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), LOG_LEVEL: 'debug' });
  // Disabled and on a topic nothing is published to: it only serves the updates.
  const created = await ask(gateway, CreateWebhook, {
    input: { url: `${receiver.url}/existing`, topics: ['workflow.created'], enabled: false, headers: good },
  });
  if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
  existingId = created.createWebhook.webhook.id;
});

afterAll(async () => {
  await killGatewayProcesses();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const read = async (id: string) => (await ask(gateway, GetWebhook, { id })).webhook;

async function createResult(input: Partial<CreateWebhookInput>) {
  const url = `${receiver.url}/refused/${++counter}`;
  const before = await count();
  const { body } = await graphqlAt(
    gateway.url,
    CreateWebhook,
    { input: { url, topics: ['workflow.created'], enabled: false, ...input } },
    gateway.key,
  );
  // Whatever the answer, a refused create leaves nothing behind.
  const created = body.data?.createWebhook.__typename === 'CreateWebhookSuccess' ? 1 : 0;
  expect(await count()).toBe(before + created);
  return body;
}

async function updateResult(input: Record<string, unknown>) {
  const { body } = await graphqlAt(gateway.url, UpdateWebhook, { id: existingId, input }, gateway.key);
  return body;
}

const count = async () => (await ask(gateway, WebhookTotalCount, {})).webhooks.totalCount;

describe('refused headers', () => {
  it.each(badHeaders)('createWebhook refuses %s at headers.2.%s and creates nothing', async (_label, field, header) => {
    const body = await createResult({ headers: [...good, header] });
    const result = body.data?.createWebhook;
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    if (result?.__typename !== 'ValidationError') return;
    expect(result.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers', '2', field]]);
  });

  it.each(badHeaders)('updateWebhook refuses %s at headers.2.%s and changes nothing', async (_label, field, header) => {
    const before = await read(existingId);
    const body = await updateResult({ headers: [...good, header], name: 'changed' });
    const result = body.data?.updateWebhook;
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    if (result?.__typename !== 'ValidationError') return;
    expect(result.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers', '2', field]]);
    expect(await read(existingId)).toEqual(before);
  });

  const tooMany = Array.from({ length: 21 }, (_, i) => ({ name: `X-H${i}`, value: 'v' }));
  // 3 x (6 + 4,000) characters: each header fine, together over 8,192.
  const tooLarge = Array.from({ length: 3 }, (_, i) => ({ name: `X-Big${i}`, value: 'v'.repeat(4000) }));

  it.each([
    ['21 headers', tooMany],
    ['headers over 8,192 characters together', tooLarge],
  ])('refuses %s at headers, on create and update', async (_label, headers) => {
    const body = await createResult({ headers });
    const created = body.data?.createWebhook;
    if (created?.__typename !== 'ValidationError') throw new Error(JSON.stringify(created));
    expect(created.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers']]);
    const before = await read(existingId);
    const updated = (await updateResult({ headers })).data?.updateWebhook;
    if (updated?.__typename !== 'ValidationError') throw new Error(JSON.stringify(updated));
    expect(updated.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers']]);
    expect(await read(existingId)).toEqual(before);
  });

  it('refuses Authorization beside a bearer token, or a WEBENGAGE token, at headers.2.name', async () => {
    const headers = [...good, { name: 'authorization', value: 'Basic x' }];
    const cases: Partial<CreateWebhookInput>[] = [
      { headers, bearerToken: 'tok' },
      { headers, type: 'WEBENGAGE', configuration: { webengage: { webhookUrl: `${receiver.url}/we`, token: 'we-token' } } },
    ];
    for (const input of cases) {
      const body = await createResult(input);
      const result = body.data?.createWebhook;
      if (result?.__typename !== 'ValidationError') throw new Error(JSON.stringify(result));
      expect(result.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers', '2', 'name']]);
    }
    const before = await read(existingId);
    const updated = (await updateResult({ headers, bearerToken: 'tok' })).data?.updateWebhook;
    if (updated?.__typename !== 'ValidationError') throw new Error(JSON.stringify(updated));
    expect(updated.fieldErrors.map((error) => error.path)).toEqual([['input', 'headers', '2', 'name']]);
    expect(await read(existingId)).toEqual(before);
  });

  it('never echoes a refused header value or bearer token, in the answer or in a log line', async () => {
    const attempts = [
      { headers: [...good, { name: 'X-Api-Key', value: `${SECRET}\r\nX-Injected: yes` }] },
      { headers: [...good, { name: 'X-Api-Key', value: ` ${SECRET}` }] },
      { headers: [...good, { name: 'X-Api-Key', value: `${SECRET}\u0001` }] },
      { headers: [...good, { name: 'X-Api-Key', value: `${SECRET}é` }] },
      { headers: [...good, { name: 'X-Api-Key', value: SECRET.repeat(400) }] },
      { headers: [...good, { name: 'Host', value: SECRET }] },
      { bearerToken: `${SECRET}\r\n` },
      { bearerToken: `${SECRET}\u0001` },
      { bearerToken: ` ${SECRET}` },
    ];
    for (const input of attempts) {
      const body = await createResult(input);
      expect(body.data?.createWebhook.__typename).toBe('ValidationError');
      expect(JSON.stringify(body)).not.toContain(SECRET);
      const updated = await updateResult(input);
      expect(updated.data?.updateWebhook.__typename).toBe('ValidationError');
      expect(JSON.stringify(updated)).not.toContain(SECRET);
    }
    // Request log lines are written once each answer is sent: one more request, and its line,
    // show that every line about the requests above has been read.
    await fetch(gateway.url.replace(/\/graphql$/, '/healthz?after-secrets'));
    await gateway.server.waitForLine(/"path":"\/healthz"/);
    expect(gateway.server.lines.filter((line) => line.includes('"path":"/graphql"')).length).toBeGreaterThan(2 * attempts.length);
    expect(gateway.server.lines.join('\n')).not.toContain(SECRET);
  });
});

describe('legal headers', () => {
  it('accepts unusual but legal headers and sends each to the receiver exactly as written', async () => {
    receiver.reply(() => ({ status: 200, body: 'ok' }));
    const created = await ask(gateway, CreateWebhook, {
      input: { url: `${receiver.url}/legal`, topics: ['message.created'], headers: unusualButLegal },
    });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    const { id } = created.createWebhook.webhook;
    expect(created.createWebhook.webhook.headers).toEqual(unusualButLegal);
    expect((await read(id))?.headers).toEqual(unusualButLegal);

    const sent = receiver.requests.length;
    await publishAt(gateway, 'legal-headers-1', { n: 1 });
    const [first] = (await receiver.received(sent + 1)).slice(sent);
    for (const header of unusualButLegal) expect(first?.headers[header.name.toLowerCase()]).toBe(header.value);

    // updateWebhook replaces the list; the new one is what goes out next.
    const replaced = [...unusualButLegal].reverse().map((header) => ({ ...header, value: header.value.replace(/^v+$/, 'w') }));
    const updated = await ask(gateway, UpdateWebhook, { id, input: { headers: replaced } });
    if (updated.updateWebhook.__typename !== 'UpdateWebhookSuccess') throw new Error(JSON.stringify(updated.updateWebhook));
    expect(updated.updateWebhook.webhook.headers).toEqual(replaced);
    await publishAt(gateway, 'legal-headers-2', { n: 2 });
    const [second] = (await receiver.received(sent + 2)).slice(sent + 1);
    for (const header of replaced) expect(second?.headers[header.name.toLowerCase()]).toBe(header.value);
  });
});

const EventAttemptHeaders = graphql(`
  query EventAttemptHeaders($id: ID!) {
    event(id: $id) {
      deliveries { attempts { requestHeaders { name value } } }
    }
  }
`);

describe('recorded request headers', () => {
  it('records on each attempt the headers the receiver got, with credentials and the signature redacted', async () => {
    receiver.reply(() => ({ status: 200, body: 'ok' }));
    const bearer = `${SECRET}-bearer`;
    const token = `${SECRET}-token`;
    const headers = [
      { name: 'X-Team', value: 'blue' },
      { name: 'X-Api-Token', value: token },
    ];
    const created = await ask(gateway, CreateWebhook, {
      input: { url: `${receiver.url}/recorded`, topics: ['recorded.headers'], headers, bearerToken: bearer },
    });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    const sent = receiver.requests.length;
    const published = await ask(gateway, PublishEvent, { input: { topic: 'recorded.headers', payload: { n: 1 } } });
    if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(published.publishEvent));
    const [got] = (await receiver.received(sent + 1)).slice(sent);

    let recorded: { name: string; value: string }[] | null | undefined;
    for (let i = 0; i < 500 && !recorded; i++) {
      const answer = await graphqlAt(gateway.url, EventAttemptHeaders, { id: published.publishEvent.event.id }, gateway.key);
      expect(JSON.stringify(answer.body)).not.toContain(SECRET);
      recorded = answer.body.data?.event?.deliveries[0]?.attempts[0]?.requestHeaders;
      if (!recorded) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (!recorded) throw new Error('the attempt was never recorded');
    const redacted = new Set(['authorization', 'x-api-token', 'webhook-signature']);
    for (const header of recorded) {
      const value = got?.headers[header.name];
      expect(value, header.name).toBeDefined();
      expect(header.value, header.name).toBe(redacted.has(header.name) ? '[redacted]' : value);
    }
    expect(new Set(recorded.map((header) => header.name))).toEqual(
      new Set([
        'x-team',
        'x-api-token',
        'content-type',
        'user-agent',
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'authorization',
      ]),
    );
    await fetch(gateway.url.replace(/\/graphql$/, '/healthz?after-recorded'));
    await gateway.server.waitForLine(/after-recorded|"path":"\/healthz"/);
    expect(gateway.server.lines.join('\n')).not.toContain(SECRET);
  });
});
