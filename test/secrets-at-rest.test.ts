import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishEvent } from './helpers/delivery-documents.ts';
import { CreateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres.ts';
import { spawnScript, spawnServer } from './helpers/process.ts';
import { startReceiver, verifiesWith, type Received, type Receiver } from './helpers/receiver.ts';

/*
 * Issue 26 item 5: webhook credentials are sealed at rest. Through the real server process on
 * both engines: a copy of the database (the SQLite file and its WAL, or every webhooks and
 * attempts row on Postgres) holds none of them, deliveries still carry them, a start with the
 * wrong or no key stops with a clear message, `npm run secrets -- rotate` moves them to a new key,
 * and a secret written in clear (as before this change) is sealed by the next start.
 */

const SIGNING_BODY = Buffer.from('signing-MARKER-5c0ffee-0123456789abcdef').toString('base64');
const SIGNING = `whsec_${SIGNING_BODY}`;
const BEARER = 'bearer-MARKER-7f3a9c1d';
const HEADER_VALUE = 'header-MARKER-2e8d41aa';
const WEBENGAGE_TOKEN = 'webengage-MARKER-91cc07';
const LEGACY = 'legacy-MARKER-clear-0d15';
const MARKERS = [SIGNING, SIGNING_BODY, BEARER, HEADER_VALUE, WEBENGAGE_TOKEN, LEGACY];
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');

describe.each(['sqlite', 'postgres'] as const)('secrets at rest on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), `gateway-secrets-${engine}-`));
  const databasePath = join(dir, 'gateway.db');
  const keyFile = join(dir, 'secrets.key');
  const newKeyFile = join(dir, 'rotated.key');
  let postgres: TestDatabase | null = null;
  let receiver: Receiver;
  let gateway: GatewayProcess;
  let adminKey: string;
  let customId: string;

  /** The gateway's environment; on Postgres the key file is named, so the tests' shared key is not used. */
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    DATABASE_PATH: databasePath,
    ...(postgres ? { DATABASE_URL: postgres.url, SECRETS_KEY_FILE: keyFile } : {}),
    ...extra,
  });

  /** Everything stored: the SQLite file and its WAL as bytes, or every webhooks and attempts row on Postgres. */
  async function storedText(): Promise<string> {
    if (!postgres) {
      const copy = join(dir, 'copy.db');
      copyFileSync(databasePath, copy);
      const wal = existsSync(`${databasePath}-wal`) ? readFileSync(`${databasePath}-wal`).toString('latin1') : '';
      return readFileSync(copy).toString('latin1') + wal;
    }
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const webhooks = await client.query('select * from webhooks');
      const attempts = await client.query('select * from delivery_attempts');
      return JSON.stringify([webhooks.rows, attempts.rows]);
    } finally {
      await client.end();
    }
  }

  async function expectNoSecretStored() {
    const stored = await storedText();
    expect(stored.length).toBeGreaterThan(0);
    for (const marker of MARKERS) expect(stored.includes(marker), marker).toBe(false);
    expect(stored).toContain('enc:v1:');
  }

  /** Publishes one secret.sent event and returns the two requests it caused, by path. */
  /** A delivery still verifies with the signing secret and carries the bearer, header and WebEngage values. */
  async function expectSignedWithCredentials(at: GatewayProcess) {
    const got = await publishAndReceive(at);
    expect(verifiesWith(SIGNING, got.custom)).toBe(true);
    expect(got.custom.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(got.custom.headers['x-partner-key']).toBe(HEADER_VALUE);
    expect(got.webengage.headers.authorization).toBe(`Bearer ${WEBENGAGE_TOKEN}`);
  }

  async function publishAndReceive(at: GatewayProcess): Promise<{ custom: Received; webengage: Received }> {
    const before = receiver.requests.length;
    const published = await ask(at, PublishEvent, { input: { topic: 'secret.sent', payload: { n: before } } });
    if (published.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(published.publishEvent));
    expect(published.publishEvent.deliveryCount).toBe(2);
    const got = (await receiver.received(before + 2)).slice(before);
    return { custom: got.find((r) => r.path === '/custom')!, webengage: got.find((r) => r.path === '/webengage')! };
  }

  /** Starts a gateway that must refuse to start; its exit code and everything it wrote. */
  async function failedStart(extra: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const server = spawnServer({ PORT: '0', HOST: '127.0.0.1', ALLOW_PRIVATE_ADDRESSES: 'true', LOG_LEVEL: 'info', ...env(extra) });
    const stderr: string[] = [];
    server.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    // A gateway that starts after all is stopped at once, and the test fails on its exit code.
    void server.waitForLine(/gateway listening/).then(
      () => server.child.kill('SIGKILL'),
      () => {},
    );
    const code = await server.exited;
    return { code, output: [...server.lines, ...stderr].join('\n') };
  }

  async function stop(at: GatewayProcess) {
    at.server.child.kill('SIGTERM');
    await at.server.exited;
  }

  beforeAll(async () => {
    if (engine === 'postgres') postgres = await freshPostgresDatabase();
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await killGatewayProcesses();
    await receiver?.close();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a key file readable by its owner alone on the first start, and says where', async () => {
    expect(existsSync(keyFile)).toBe(false);
    gateway = await startGatewayProcess(env());
    adminKey = gateway.key;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const said = await gateway.server.waitForLine(/secrets key file/);
    expect(said).toContain(keyFile);
    expect(said).toContain('back it up');
    expect(said).not.toContain(readFileSync(keyFile, 'utf8').trim());
  });

  it('stores no signing secret, bearer token, header value or webengage token in clear, and deliveries carry them', async () => {
    const custom = await ask(gateway, CreateWebhook, {
      input: {
        url: `${receiver.url}/custom`,
        topics: ['secret.*'],
        signingSecret: SIGNING,
        bearerToken: BEARER,
        headers: [{ name: 'X-Partner-Key', value: HEADER_VALUE }],
      },
    });
    if (custom.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(custom.createWebhook));
    customId = custom.createWebhook.webhook.id;
    const webengage = await ask(gateway, CreateWebhook, {
      input: {
        url: `${receiver.url}/webengage`,
        type: 'WEBENGAGE',
        topics: ['secret.*'],
        configuration: { webengage: { webhookUrl: `${receiver.url}/webengage`, token: WEBENGAGE_TOKEN } },
      },
    });
    if (webengage.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(webengage.createWebhook));

    await expectSignedWithCredentials(gateway);
    await expectNoSecretStored();
  });

  it('refuses to start with the wrong key, or with none, naming the key the secrets were sealed with', async () => {
    await stop(gateway);
    const wrong = await failedStart({ SECRETS_KEY: OTHER_KEY });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/secrets in this database were sealed with key [\w-]+; SECRETS_KEY \(key [\w-]+\) does not open them/);
    for (const marker of MARKERS) expect(wrong.output).not.toContain(marker);

    renameSync(keyFile, `${keyFile}.away`);
    try {
      const missing = await failedStart({});
      expect(missing.code).toBe(1);
      expect(missing.output).toMatch(/secrets in this database were sealed with key [\w-]+; there is no SECRETS_KEY and no key file at/);
      // No new key was written in place of the one the secrets need.
      expect(existsSync(keyFile)).toBe(false);
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
    }
  });

  it('re-seals every secret under a new key with `secrets rotate`: the old key opens nothing, the new one everything', async () => {
    const rotate = spawnScript('src/scripts/secrets.ts', ['rotate', '--new-key-file', newKeyFile], env());
    const stderr: string[] = [];
    rotate.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    expect(await rotate.exited, stderr.join('')).toBe(0);
    expect(rotate.lines.join('\n')).toMatch(/Re-sealed the secrets of 2 webhooks with key/);
    expect(statSync(newKeyFile).mode & 0o777).toBe(0o600);

    const old = await failedStart({});
    expect(old.code).toBe(1);
    expect(old.output).toMatch(/sealed with key [\w-]+; the key file .* does not open them/);

    gateway = await startGatewayProcess(env({ SECRETS_KEY_FILE: newKeyFile }), adminKey);
    await expectSignedWithCredentials(gateway);
    await expectNoSecretStored();
  });

  it('seals a secret stored in clear (as before sealing) at the next start', async () => {
    await stop(gateway);
    if (postgres) {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      await client.query('update webhooks set bearer_token = $1 where id = $2', [LEGACY, customId]);
      await client.end();
    } else {
      const sqlite = new SQLite(databasePath);
      sqlite.prepare('update webhooks set bearer_token = ? where id = ?').run(LEGACY, customId);
      sqlite.close();
    }
    expect(await storedText()).toContain(LEGACY);

    gateway = await startGatewayProcess(env({ SECRETS_KEY_FILE: newKeyFile }), adminKey);
    await expectNoSecretStored();
    const got = await publishAndReceive(gateway);
    expect(got.custom.headers.authorization).toBe(`Bearer ${LEGACY}`);
    expect(verifiesWith(SIGNING, got.custom)).toBe(true);
  });

  it('rotates in place: with no new key named, a new one replaces the key file once the re-seal has committed', async () => {
    await stop(gateway);
    const before = readFileSync(newKeyFile, 'utf8');
    const rotate = spawnScript('src/scripts/secrets.ts', ['rotate'], env({ SECRETS_KEY_FILE: newKeyFile }));
    const stderr: string[] = [];
    rotate.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    expect(await rotate.exited, stderr.join('')).toBe(0);
    expect(rotate.lines.join('\n')).toContain(`The new key replaced ${newKeyFile}`);
    expect(readFileSync(newKeyFile, 'utf8')).not.toBe(before);
    expect(statSync(newKeyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${newKeyFile}.new`)).toBe(false);

    gateway = await startGatewayProcess(env({ SECRETS_KEY_FILE: newKeyFile }), adminKey);
    const got = await publishAndReceive(gateway);
    expect(verifiesWith(SIGNING, got.custom)).toBe(true);
    expect(got.webengage.headers.authorization).toBe(`Bearer ${WEBENGAGE_TOKEN}`);
    await expectNoSecretStored();
  });
});
