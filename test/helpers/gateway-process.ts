import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { graphql } from '../gql/index.ts';
import { dataOf, graphqlAt, withSharedSecretsKey } from './app.ts';
import { CreateWebhook } from './documents.ts';
import { PublishEvent } from './delivery-documents.ts';
import { spawnServer, type Spawned } from './process.ts';
import { startReceiver, type Receiver } from './receiver.ts';

/** The gateway as its own process, as `npm start` runs it (`spawnServer`). */
export type GatewayProcess = { server: Spawned; url: string; key: string };

const started: Spawned[] = [];

/** Starts the server; on an empty database the first admin key it prints is used, otherwise `key`. */
export async function startGatewayProcess(env: Record<string, string>, key?: string): Promise<GatewayProcess> {
  const server = spawnServer({
    PORT: '0',
    HOST: '127.0.0.1',
    ALLOW_PRIVATE_ADDRESSES: 'true',
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_SECOND: '0',
    ...withSharedSecretsKey(env),
  });
  started.push(server);
  const listening = await server.waitForLine(/gateway listening/);
  const url = (JSON.parse(listening) as { url: string }).url;
  return { server, url, key: key ?? (await server.waitForLine(/^\s+whgw_/)).trim() };
}

/**
 * For a test file: the gateway process on a database of its own and a receiver, started before
 * its tests and stopped after them. Read the fields inside tests, once they are started.
 */
export function gatewayAndReceiverForThisFile(
  name: string,
  env: Record<string, string> = {},
): { readonly gateway: GatewayProcess; readonly receiver: Receiver; readonly databasePath: string } {
  const dir = mkdtempSync(join(tmpdir(), `gateway-${name}-`));
  const databasePath = join(dir, 'gateway.db');
  let gateway: GatewayProcess | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
    gateway = await startGatewayProcess({ DATABASE_PATH: databasePath, ...env });
  });
  afterAll(async () => {
    await killGatewayProcesses();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('read inside a test: the gateway and receiver start before the tests');
    return value;
  };
  return {
    databasePath,
    get gateway() {
      return started(gateway);
    },
    get receiver() {
      return started(receiver);
    },
  };
}

/** Kills whatever a test left running, even when it failed half way. */
export async function killGatewayProcesses(): Promise<void> {
  for (const server of started.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
}

export function ask<T, V>(gateway: Pick<GatewayProcess, 'url' | 'key'>, document: TypedDocumentNode<T, V>, variables: V): Promise<T> {
  return graphqlAt(gateway.url, document, variables, gateway.key).then(dataOf);
}

export async function createWebhookAt(
  gateway: GatewayProcess,
  url: string,
  input: { timeoutSeconds?: number; topics?: string[] } = {},
): Promise<string> {
  const data = await ask(gateway, CreateWebhook, { input: { url, topics: ['message.*'], ...input } });
  if (data.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(data.createWebhook));
  return data.createWebhook.webhook.id;
}

/** Publishes one message.created event with an idempotency key; returns its id. */
export async function publishAt(gateway: Pick<GatewayProcess, 'url' | 'key'>, idempotencyKey: string, payload: unknown): Promise<string> {
  const data = await ask(gateway, PublishEvent, { input: { topic: 'message.created', payload, idempotencyKey } });
  if (data.publishEvent.__typename !== 'PublishEventSuccess')
    throw new Error(`publish ${idempotencyKey}: ${JSON.stringify(data.publishEvent)}`);
  if (data.publishEvent.deliveryCount !== 1) throw new Error(`publish ${idempotencyKey}: deliveryCount ${data.publishEvent.deliveryCount}`);
  return data.publishEvent.event.id;
}

const WebhookCounts = graphql(`
  query WebhookCounts($id: ID!) {
    webhook(id: $id) {
      all: deliveries(first: 1) { totalCount }
      succeeded: deliveries(first: 1, status: SUCCEEDED) { totalCount }
      stats { attempts succeeded failed }
    }
  }
`);

export async function webhookCounts(gateway: Pick<GatewayProcess, 'url' | 'key'>, id: string) {
  const { webhook } = await ask(gateway, WebhookCounts, { id });
  if (!webhook) throw new Error(`webhook ${id} not found`);
  return webhook;
}

/**
 * Asks until `done` holds for the webhook's counts. Each round is an HTTP round trip, so this
 * waits on the server's progress, never on a timer; `rounds` bounds it.
 */
export async function countsWhen(
  gateway: Pick<GatewayProcess, 'url' | 'key'>,
  id: string,
  done: (counts: Awaited<ReturnType<typeof webhookCounts>>) => boolean,
  rounds = 50_000,
) {
  let counts = await webhookCounts(gateway, id);
  for (let round = 0; round < rounds && !done(counts); round++) {
    await new Promise((resolve) => setImmediate(resolve));
    counts = await webhookCounts(gateway, id);
  }
  return counts;
}
