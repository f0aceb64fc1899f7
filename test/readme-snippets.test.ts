import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { graphqlAt } from './helpers/app.ts';
import { CreateWebhook, Viewer } from './helpers/documents.ts';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { ask, countsWhen, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { sseSubscribe } from './helpers/live.ts';
import { freshPostgresDatabase } from './helpers/postgres.ts';
import {
  fencedBlocks,
  fill,
  readmeBlock,
  readmeBlocks,
  repoRoot,
  runShell,
  runToEnd,
  stopShells,
  within,
  type Block,
} from './helpers/readme.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

/*
 * Every block of README.md a reader runs is taken from the README and run here as written,
 * against the gateway as its own process. Only placeholders change (helpers/readme.ts lists
 * them): `whgw_...` becomes a real key, `127.0.0.1:4000` the test gateway's address, and so on.
 */

/** The marked snippets, each run by a test below. A new snippet needs a name here and a test. */
const snippets = [
  'setup',
  'two-instances',
  'create-webhook',
  'update-webhook',
  'mint-key',
  'publish-event',
  'verifying-receiver',
  'watch-attempts',
  'graphql-ws-client',
  'sse-curl',
  'prometheus-scrape',
  'prometheus-alerts',
  'update-if-unchanged',
  'pause-resume',
  'rotate-own-secret',
  'recover-and-replay',
  'deliveries-query',
  'ordering-key',
] as const;

/** Blocks that show what comes back rather than what to run; each is checked against the real thing. */
const examples = ['delivery-request', 'attempt-result', 'operational-event'] as const;

/** Only these kinds of block may be an example: a shell, script or GraphQL block is something to run. */
const exampleLanguages = ['http', 'json'];

const block = (name: (typeof snippets)[number] | (typeof examples)[number]): Block => readmeBlock(name);

const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  await stopShells();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(killGatewayProcesses);

function tempDir(under = tmpdir()): string {
  const dir = mkdtempSync(join(under, 'snippet-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A folder inside the repository, so a script written there imports the project's packages. */
function scratchInRepo(): string {
  const parent = join(repoRoot, '.snippets');
  mkdirSync(parent, { recursive: true });
  return tempDir(parent);
}

/** The gateway as `npm start` runs it, over its own database; `allowPrivate` as ALLOW_PRIVATE_ADDRESSES. */
async function gateway(allowPrivate: boolean): Promise<GatewayProcess & { databasePath: string; address: string }> {
  const databasePath = join(tempDir(), 'gateway.db');
  const started = await startGatewayProcess({ DATABASE_PATH: databasePath, ALLOW_PRIVATE_ADDRESSES: String(allowPrivate) });
  return { ...started, databasePath, address: new URL(started.url).host };
}

async function receiverFor(gw: GatewayProcess): Promise<{ receiver: Receiver; webhookId: string; secret: string }> {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const { webhookId, secret } = await webhookAt(gw, `${receiver.url}/`);
  return { receiver, webhookId, secret };
}

async function webhookAt(
  gw: GatewayProcess,
  url: string,
  extra: { bearerToken?: string; headers?: { name: string; value: string }[] } = {},
) {
  const { createWebhook } = await ask(gw, CreateWebhook, { input: { url, topics: ['message.*'], ...extra } });
  if (createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(createWebhook));
  return { webhookId: createWebhook.webhook.id, secret: createWebhook.signingSecret };
}

async function publish(gw: GatewayProcess, idempotencyKey: string): Promise<string> {
  const { publishEvent } = await ask(gw, PublishEvent, {
    input: { topic: 'message.created', payload: { id: idempotencyKey }, idempotencyKey },
  });
  if (publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(publishEvent));
  return publishEvent.event.id;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A script block's first line says how to run it: `// file.mjs — COMMAND`. */
function usage(script: Block): { file: string; command: string } {
  const match = /^\/\/ (\S+) — (.+)$/.exec(script.code.split('\n')[0] ?? '');
  if (!match) throw new Error(`the ${script.name} block must start with "// file.mjs — how to run it"`);
  return { file: match[1]!, command: match[2]! };
}

type Attempt = Record<string, unknown> & { id: string; eventId: string; outcome: string };

const graphqlDocument = (text: string) => parse(text) as TypedDocumentNode<Record<string, unknown>, Record<string, unknown>>;

describe('README blocks', () => {
  it('finds fenced blocks, indented ones too, with the marker on the line before', () => {
    const found = fencedBlocks(
      [
        '<!-- snippet: a -->',
        '```sh',
        'echo a',
        '```',
        '',
        '- item',
        '',
        '  <!-- example: b -->',
        '  ```json',
        '  {"b": 1}',
        '  ```',
        '```js',
        'c()',
        '```',
      ].join('\n'),
    );
    expect(found.map(({ kind, name, lang, code }) => ({ kind, name, lang, code }))).toEqual([
      { kind: 'snippet', name: 'a', lang: 'sh', code: 'echo a\n' },
      { kind: 'example', name: 'b', lang: 'json', code: '{"b": 1}\n' },
      { kind: null, name: null, lang: 'js', code: 'c()\n' },
    ]);
  });

  it('marks every block, and every marked snippet is one this file runs', () => {
    const blocks = readmeBlocks();
    const unmarked = blocks.filter((b) => !b.kind).map((b) => `README.md:${b.line} ${b.lang}: ${b.code.split('\n')[0]}`);
    expect(unmarked, 'put <!-- snippet: NAME --> before the block and run it in test/readme-snippets.test.ts').toEqual([]);
    const names = blocks.map((b) => b.name);
    expect(
      names.filter((name, i) => names.indexOf(name) !== i),
      'marker names are unique',
    ).toEqual([]);
    expect(
      blocks
        .filter((b) => b.kind === 'snippet')
        .map((b) => b.name)
        .sort(),
    ).toEqual([...snippets].sort());
    expect(
      blocks
        .filter((b) => b.kind === 'example')
        .map((b) => b.name)
        .sort(),
    ).toEqual([...examples].sort());
    const runnableExamples = blocks.filter((b) => b.kind === 'example' && !exampleLanguages.includes(b.lang));
    expect(
      runnableExamples.map((b) => `${b.name} (${b.lang})`),
      'a block in a runnable language is a snippet',
    ).toEqual([]);
  });
});

describe('README snippets, run as written', () => {
  it('setup: npm start on an empty database prints the first ADMIN key and serves it', async () => {
    // `npm install` needs the registry and `npm test` is this suite: the block's `npm start` runs here.
    const commands = block('setup')
      .code.trim()
      .split(/\n|&&/)
      .map((command) => command.trim());
    expect(commands).toEqual(['npm install', 'npm start', 'npm test']);
    const shell = runShell(commands[1]!, {
      env: { PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(tempDir(), 'gateway.db'), LOG_LEVEL: 'info' },
    });
    const key = (await within(shell.waitForLine(/^\s+whgw_/), 20_000, shell)).trim();
    const { url } = JSON.parse(await within(shell.waitForLine(/gateway listening/), 20_000, shell)) as { url: string };
    const { status, body } = await graphqlAt(url, Viewer, {}, key);
    expect(status).toBe(200);
    expect(body.data?.viewer).toEqual({ tenantId: expect.any(String), tenantName: 'default', scopes: ['ADMIN'] });
  });

  it('two-instances: two npm start on one Postgres database serve the same key', async () => {
    const database = await freshPostgresDatabase();
    cleanups.push(() => database.drop());
    const readmeUrl = "'postgresql:///gateway?host=/var/run/postgresql'";
    const code = block('two-instances').code;
    expect(code).toContain(readmeUrl);
    // The test's own database and free ports in place of the README's.
    const shell = runShell(code.replace(readmeUrl, `'${database.url}'`).replace(/PORT=400[01]/g, 'PORT=0'), {
      // One key file for both, as ./data/secrets.key is when they start in one folder (README: "Secrets at rest"), outside the checkout.
      env: { HOST: '127.0.0.1', LOG_LEVEL: 'info', SECRETS_KEY_FILE: join(tempDir(), 'secrets.key') },
    });
    cleanups.push(() => shell.stop());
    const key = (await within(shell.waitForLine(/^\s+whgw_/), 30_000, shell)).trim();
    for (let i = 0; i < 3_000 && shell.lines.filter((line) => /gateway listening/.test(line)).length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const urls = shell.lines.filter((line) => /gateway listening/.test(line)).map((line) => (JSON.parse(line) as { url: string }).url);
    expect(urls, shell.transcript()).toHaveLength(2);
    // One first key between them, accepted by both.
    expect(shell.lines.filter((line) => /^\s+whgw_/.test(line))).toHaveLength(1);
    for (const url of urls) expect((await graphqlAt(url, Viewer, {}, key)).body.data?.viewer?.tenantName).toBe('default');
  }, 60_000);

  it('create-webhook and update-webhook: the curl blocks create a webhook and change one field of it', async () => {
    // ALLOW_PRIVATE_ADDRESSES off, as a plain `npm start` runs.
    const gw = await gateway(false);
    const create = runShell(fill(block('create-webhook').code, { key: gw.key, gateway: gw.address }));
    expect(await create.exited, create.transcript()).toBe(0);
    const created = JSON.parse(create.lines.join('\n')) as ExecutionResult<{ createWebhook: Record<string, any> }>;
    expect(created.errors, create.transcript()).toBeUndefined();
    const { createWebhook } = created.data!;
    expect(createWebhook).toMatchObject({
      __typename: 'CreateWebhookSuccess',
      signingSecret: expect.stringMatching(/^whsec_/),
      webhook: {
        id: expect.stringMatching(/^wh_/),
        url: 'https://example.com/hooks/orders',
        topics: ['message.*'],
        enabled: true,
        timeoutSeconds: 15,
      },
    });

    // A reader carries KEY over from the block before, in the same shell.
    const update = runShell(fill(block('update-webhook').code, { webhookId: createWebhook.webhook.id, gateway: gw.address }), {
      env: { KEY: gw.key },
    });
    expect(await update.exited, update.transcript()).toBe(0);
    const updated = JSON.parse(update.lines.join('\n')) as ExecutionResult<{ updateWebhook: unknown }>;
    expect(updated.errors, update.transcript()).toBeUndefined();
    expect(updated.data?.updateWebhook).toEqual({
      __typename: 'UpdateWebhookSuccess',
      webhook: {
        id: createWebhook.webhook.id,
        name: 'Orders',
        url: 'https://example.com/hooks/orders',
        topics: ['message.*'],
        timeoutSeconds: 30,
      },
    });
  });

  it('pause-resume: the curl blocks pause the webhook (pausedAt set, nothing held yet) and resume it', async () => {
    const gw = await gateway(true);
    const { webhookId } = await webhookAt(gw, 'http://127.0.0.1:9/paused');
    const run = runShell(fill(block('pause-resume').code, { webhookId, gateway: gw.address }), { env: { KEY: gw.key } });
    expect(await run.exited, run.transcript()).toBe(0);
    const [paused, resumed] = run.lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ExecutionResult<any>);
    expect(paused?.data?.pauseWebhook, run.transcript()).toEqual({
      __typename: 'PauseWebhookSuccess',
      webhook: { id: webhookId, pausedAt: expect.any(String), held: { count: 0, oldestAt: null } },
    });
    expect(resumed?.data?.resumeWebhook, run.transcript()).toEqual({
      __typename: 'PauseWebhookSuccess',
      webhook: { id: webhookId, pausedAt: null },
    });
  });

  it('update-if-unchanged: an update from a version that is not the stored one is a ConflictError and writes nothing', async () => {
    const gw = await gateway(true);
    const { webhookId } = await webhookAt(gw, 'http://127.0.0.1:9/versions');
    const update = runShell(fill(block('update-if-unchanged').code, { webhookId, gateway: gw.address }), { env: { KEY: gw.key } });
    expect(await update.exited, update.transcript()).toBe(0);
    const answer = JSON.parse(update.lines.join('\n')) as ExecutionResult<{ updateWebhook: Record<string, any> }>;
    expect(answer.data?.updateWebhook, update.transcript()).toMatchObject({
      __typename: 'ConflictError',
      reason: 'CHANGED_SINCE',
      existingWebhook: { name: null },
    });
    const current = answer.data!.updateWebhook.existingWebhook.updatedAt as string;
    // With the updatedAt it read, the same block writes.
    const again = runShell(
      fill(block('update-if-unchanged').code, { webhookId, gateway: gw.address }).replace('2026-01-31T12:00:00.000Z', current),
      { env: { KEY: gw.key } },
    );
    expect(await again.exited, again.transcript()).toBe(0);
    expect(JSON.parse(again.lines.join('\n')).data.updateWebhook).toMatchObject({
      __typename: 'UpdateWebhookSuccess',
      webhook: { name: 'Orders (EU)' },
    });
  });

  it("rotate-own-secret: the webhook signs with the caller's secret from then on, and the answer does not show it", async () => {
    const gw = await gateway(true);
    const { webhookId } = await webhookAt(gw, 'http://127.0.0.1:9/rotate');
    const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    const rotate = runShell(fill(block('rotate-own-secret').code, { webhookId, secret, gateway: gw.address }), { env: { KEY: gw.key } });
    expect(await rotate.exited, rotate.transcript()).toBe(0);
    expect(JSON.parse(rotate.lines.join('\n')).data.rotateSigningSecret).toEqual({
      __typename: 'RotateSigningSecretSuccess',
      previousSecretExpiresAt: expect.any(String),
    });
    expect(rotate.lines.join('\n')).not.toContain(secret);
    const read = await graphqlAt(
      gw.url,
      graphqlDocument(`query($id: ID!) { webhook(id: $id) { signingSecret } }`),
      { id: webhookId },
      gw.key,
    );
    expect(read.body.data).toEqual({ webhook: { signingSecret: secret } });
  });

  it('recover-and-replay: a dry-run recovery counts, and a replay delivers an event published before the webhook existed', async () => {
    const gw = await gateway(true);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const eventId = await publish(gw, 'before-the-webhook');
    const { webhookId } = await webhookAt(gw, `${receiver.url}/late`);
    const shell = runShell(fill(block('recover-and-replay').code, { webhookId, gateway: gw.address }), { env: { KEY: gw.key } });
    expect(await shell.exited, shell.transcript()).toBe(0);
    const [recovered, replayed] = shell.lines.filter((line) => line.trim()).map((line) => JSON.parse(line));
    expect(recovered.data.recoverDeliveries, shell.transcript()).toEqual({
      __typename: 'RecoverDeliveriesSuccess',
      count: 0,
      deliveries: [],
    });
    expect(replayed.data.replayEvents, shell.transcript()).toEqual({
      __typename: 'ReplayEventsSuccess',
      count: 1,
      events: [{ id: eventId, topic: 'message.created' }],
    });
    const [request] = await receiver.received(1);
    expect(request!.headers['webhook-id']).toBe(eventId);
  });

  it('deliveries-query: lists FAILED deliveries of message.created across webhooks with their attempts', async () => {
    const gw = await gateway(true);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    receiver.reply(() => ({ status: 500, body: 'no' }));
    const { webhookId } = await webhookAt(gw, `${receiver.url}/failing`);
    await ask(
      gw,
      graphqlDocument(`mutation($id: ID!) { updateWebhook(id: $id, input: { retryPolicy: { maxRetries: 0 } }) { __typename } }`),
      { id: webhookId },
    );
    await publish(gw, 'fails');
    await receiver.received(1);
    for (let round = 0; ; round++) {
      const shell = runShell(fill(block('deliveries-query').code, { gateway: gw.address }), { env: { KEY: gw.key } });
      expect(await shell.exited, shell.transcript()).toBe(0);
      const { deliveries } = JSON.parse(shell.lines.join('\n')).data;
      // The page and its totalCount are two reads: a delivery that fails between them is counted
      // but not yet listed, so wait until both see it.
      if ((deliveries.totalCount === 1 && deliveries.nodes.length === 1) || round === 200) {
        expect(deliveries).toMatchObject({
          totalCount: 1,
          nodes: [{ webhookId, status: 'FAILED', attempts: [{ outcome: 'HTTP_ERROR', responseStatus: 500 }] }],
        });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("mint-key: npm run keys, with the server's DATABASE_PATH, prints a key last that the server accepts", async () => {
    const gw = await gateway(false);
    const output = await runToEnd(block('mint-key').code, { env: { DATABASE_PATH: gw.databasePath } });
    const key = output.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^whgw_\S+$/);
    // It says which database the key went into, the one thing that must match the server.
    expect(output).toContain(` in ${gw.databasePath} `);
    const { status, body } = await graphqlAt(gw.url, Viewer, {}, key);
    expect(status).toBe(200);
    expect(body.data?.viewer).toMatchObject({ tenantName: 'acme' });
    expect([...(body.data?.viewer.scopes ?? [])].sort()).toEqual(['EVENTS_PUBLISH', 'WEBHOOKS_READ', 'WEBHOOKS_WRITE']);
  });

  it('ordering-key: a second publish of the key waits for the first, and says which one it waits for', async () => {
    const gw = await gateway(true);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    // The first attempt hangs: the key's first delivery stays open while the second is published.
    receiver.reply(() => ({ hang: true }));
    await webhookAt(gw, `${receiver.url}/ordered`);
    const run = async () => {
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gw.key },
        body: JSON.stringify({ query: block('ordering-key').code }),
      });
      const result = (await response.json()) as ExecutionResult<{ publishEvent: { event: { deliveries: Record<string, any>[] } } }>;
      expect(result.errors).toBeUndefined();
      return result.data!.publishEvent.event;
    };
    const first = await run();
    expect(first).toMatchObject({ orderingKey: 'conversation-42', deliveries: [{ status: 'PENDING', waitingFor: null }] });
    await receiver.received(1);
    const second = await run();
    expect(second.deliveries).toEqual([{ status: 'WAITING', waitingFor: { id: expect.stringMatching(/^dlv_/), status: 'PENDING' } }]);
  });

  it('publish-event: the mutation publishes, and the request matches the delivery-request example', async () => {
    const gw = await gateway(true);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    await webhookAt(gw, `${receiver.url}/your/endpoint`, {
      bearerToken: 'reader-token',
      headers: [{ name: 'x-your-header', value: 'yes' }],
    });

    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gw.key },
      body: JSON.stringify({ query: block('publish-event').code }),
    });
    const published = (await response.json()) as ExecutionResult<{ publishEvent: Record<string, any> }>;
    expect(published.errors).toBeUndefined();
    expect(published.data?.publishEvent).toEqual({ deliveryCount: 1, event: { id: expect.stringMatching(/^evt_/) } });

    // What the endpoint receives, as the example shows it: request line, header names, body fields.
    const [request] = await receiver.received(1);
    const example = block('delivery-request').code;
    const [head = '', body = ''] = example.split('\n\n');
    const [requestLine, ...headerLines] = head.split('\n');
    expect(requestLine).toBe(`${request!.method} ${request!.path} HTTP/1.1`);
    const shown = Object.fromEntries(
      headerLines.map((line) => /^([\w-]+): (\S+(?: \S+)*?)(?:\s{2,}\(.*\))?$/.exec(line)!.slice(1, 3) as [string, string]),
    );
    // Set by the HTTP client on every request, not by the gateway.
    const transport = ['host', 'connection', 'content-length', 'transfer-encoding'];
    expect(Object.keys(shown).sort()).toEqual(
      Object.keys(request!.headers)
        .filter((name) => !transport.includes(name))
        .sort(),
    );
    expect(shown['content-type']).toBe(request!.headers['content-type']);
    expect(shown['user-agent']).toBe(request!.headers['user-agent']);
    expect(request!.headers['webhook-id']).toBe(published.data?.publishEvent.event.id);
    const sent = JSON.parse(request!.body) as Record<string, unknown>;
    expect([...body.matchAll(/"(\w+)":/g)].map((m) => m[1]).slice(0, 3)).toEqual(Object.keys(sent));
    expect(sent).toMatchObject({ type: 'message.created', data: { id: 'msg_1', text: 'hello', campaign_name: 'prod-spring' } });
  });

  it('verifying-receiver: the receiver verifies a real signed delivery, and refuses a forged one', async () => {
    const gw = await gateway(true);
    const script = block('verifying-receiver');
    const { file, command } = usage(script);
    const port = await freePort();
    const { webhookId, secret } = await webhookAt(gw, `http://127.0.0.1:${port}/`);
    const dir = scratchInRepo();
    writeFileSync(join(dir, file), fill(script.code, { receiverPort: String(port) }));
    const shell = runShell(fill(command, { secret }), { cwd: dir });
    await within(shell.waitForLine(/listening/), 20_000, shell);

    const eventId = await publish(gw, 'receiver-1');
    const line = await within(shell.waitForLine(new RegExp(eventId)), 20_000, shell);
    expect(line).toMatch(new RegExp(`^${eventId} message.created `));
    const counts = await countsWhen(gw, webhookId, (c) => c.stats.attempts >= 1);
    expect(counts.succeeded.totalCount).toBe(1);

    const forged = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': eventId,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: JSON.stringify({ type: 'message.created', timestamp: new Date().toISOString(), data: {} }),
    });
    expect(forged.status).toBe(400);
  });

  it('watch-attempts: the GraphiQL subscription yields the attempt the attempt-result example shows', async () => {
    const gw = await gateway(true);
    await receiverFor(gw);
    const stream = await sseSubscribe(gw.url, parse(block('watch-attempts').code), {}, { 'x-api-key': gw.key });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    const eventId = await publish(gw, 'watch-1');
    const result = (await stream.next()) as ExecutionResult<{ deliveryAttempts: Attempt }> | null;
    expect(result?.errors).toBeUndefined();
    const attempt = result!.data!.deliveryAttempts;
    expect(attempt.eventId).toBe(eventId);

    const example = (JSON.parse(block('attempt-result').code) as { data: { deliveryAttempts: Record<string, unknown> } }).data
      .deliveryAttempts;
    expect(Object.keys(attempt).sort()).toEqual(Object.keys(example).sort());
    for (const [field, shown] of Object.entries(example)) {
      if (typeof shown === 'string' && shown.endsWith('…')) expect(attempt[field], field).toMatch(new RegExp(`^${shown.split('_')[0]}_`));
      else if (field === 'durationMs') expect(attempt[field]).toEqual(expect.any(Number));
      else expect(attempt[field], field).toEqual(shown);
    }
  });

  it('graphql-ws-client: the script runs with node (Node 20: no global WebSocket) and prints an attempt', async () => {
    const gw = await gateway(true);
    const { receiver } = await receiverFor(gw);
    const script = block('graphql-ws-client');
    const { file, command } = usage(script);
    const dir = scratchInRepo();
    writeFileSync(join(dir, file), fill(script.code, { gateway: gw.address }));
    // Newer Node versions have a global WebSocket; take it away, as on Node 20, which `engines` admits.
    const shell = runShell(fill(command, { key: gw.key }), { cwd: dir, env: { NODE_OPTIONS: '--no-experimental-websocket' } });

    // Nothing tells when the client has subscribed: publish until it prints an attempt.
    const printed = shell.waitForLine(/deliveryAttempts/);
    let seen = false;
    void printed.then(
      () => (seen = true),
      () => {},
    );
    const eventIds: string[] = [];
    for (let round = 1; !seen && round <= 200; round++) {
      eventIds.push(await publish(gw, `ws-${round}`));
      await within(Promise.race([receiver.received(round), printed]), 20_000, shell);
    }
    const result = JSON.parse(await within(printed, 20_000, shell)) as ExecutionResult<{ deliveryAttempts: Attempt }>;
    expect(result.errors).toBeUndefined();
    expect(result.data?.deliveryAttempts).toMatchObject({ id: expect.stringMatching(/^att_/), outcome: 'SUCCEEDED' });
    expect(eventIds).toContain(result.data?.deliveryAttempts.eventId);
  });

  it('prometheus-scrape: the scrape job, read as Prometheus would, scrapes the gateway with the token from its file', async () => {
    const token = 'readme-metrics-token-0123456789';
    const databasePath = join(tempDir(), 'gateway.db');
    const started = await startGatewayProcess({ DATABASE_PATH: databasePath, METRICS_TOKEN: token });
    const tokenFile = join(tempDir(), 'token');
    writeFileSync(tokenFile, `${token}\n`);
    const config = parseYaml(
      fill(block('prometheus-scrape').code, { gateway: new URL(started.url).host, metricsTokenFile: tokenFile }),
    ) as {
      scrape_configs: {
        metrics_path: string;
        scheme: string;
        authorization: { type: string; credentials_file: string };
        static_configs: { targets: string[] }[];
      }[];
    };
    const [job] = config.scrape_configs;
    const target = job!.static_configs[0]!.targets[0]!;
    // Prometheus trims the credentials file's trailing newline.
    const credentials = readFileSync(job!.authorization.credentials_file, 'utf8').trim();
    const response = await fetch(`${job!.scheme}://${target}${job!.metrics_path}`, {
      headers: { authorization: `${job!.authorization.type} ${credentials}` },
    });
    expect(response.status).toBe(200);
    const names = parsePrometheusTextFormat(await response.text()).map((family) => family.name);
    expect(names).toContain('webhook_gateway_attempts_total');
  });

  it('prometheus-alerts: every rule is complete and names only metrics the gateway exports', async () => {
    const token = 'readme-metrics-token-0123456789';
    const started = await startGatewayProcess({ DATABASE_PATH: join(tempDir(), 'gateway.db'), METRICS_TOKEN: token });
    const response = await fetch(`${new URL(started.url).origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const exported = new Set(parsePrometheusTextFormat(await response.text()).map((family) => family.name));
    const { groups } = parseYaml(block('prometheus-alerts').code) as {
      groups: { rules: { alert: string; expr: string; for: string; labels: { severity: string }; annotations: { summary: string } }[] }[];
    };
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual(['WebhookQueueBacklog', 'WebhookFailureRatioHigh']);
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(rule.labels.severity, rule.alert).toBeTruthy();
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      const used = rule.expr.match(/\bwebhook_gateway_\w+/g) ?? [];
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(exported, `${rule.alert}: ${name}`).toContain(name.replace(/_(bucket|sum|count)$/, ''));
      // Labels the rule filters on are ones the metric has.
      for (const [, label] of rule.expr.matchAll(/\{(\w+)[!=~]/g))
        expect(['outcome', 'trigger', 'operation_type', 'result']).toContain(label);
    }
  });

  it('sse-curl: curl streams the subscription and receives an attempt when an event is published', async () => {
    const gw = await gateway(true);
    await receiverFor(gw);
    const shell = runShell(fill(block('sse-curl').code, { gateway: gw.address }), { env: { KEY: gw.key } });
    // The stream opens with a comment line once the subscription is in place.
    await within(shell.waitForLine(/^:/), 20_000, shell);
    const eventId = await publish(gw, 'sse-1');
    const line = await within(shell.waitForLine(/^data:/), 20_000, shell);
    const result = JSON.parse(line.replace(/^data: ?/, '')) as ExecutionResult<{ deliveryAttempts: Attempt }>;
    expect(result.errors).toBeUndefined();
    expect(result.data?.deliveryAttempts).toMatchObject({ eventId, outcome: 'SUCCEEDED' });
  });
});
