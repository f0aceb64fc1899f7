import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';

/*
 * Generated hostile documents and variables, each sent to the real server process: fragment
 * graphs with repeated spreads, unions and interfaces, inline fragments, many same-named fields,
 * wide input objects with unknown keys. Each must be answered (refused or executed) while the
 * server's main thread stays free: its longest event-loop stall while answering (the process's
 * own monitorEventLoopDelay, read through /metrics, which resets it on each scrape) and a
 * /healthz sent alongside both under 100 ms. On a loaded machine a case gets five tries and
 * the best counts: a document that blocks the thread blocks it every time.
 */

const BUDGET_MS = 100;
const TRIES = 5;

let gateway: GatewayProcess;
let metricsUrl: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-hostile-'));
  gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), METRICS_PORT: '0' });
  const listening = await gateway.server.waitForLine(/gateway listening/);
  metricsUrl = (JSON.parse(listening) as { metrics: string }).metrics;
}, 60_000);
afterAll(async () => {
  await killGatewayProcesses();
  rmSync(dir, { recursive: true, force: true });
});

/** The longest event-loop stall since the last scrape, in ms. */
async function longestStallMs(): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const value = /^webhook_gateway_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error('no event-loop lag in /metrics');
  return Number(value) * 1000;
}

type Case = { query: string; variables?: Record<string, unknown>; sse?: boolean };

type Answer = { text: string; stallMs: number; healthMs: number };

/** The answer's text; over SSE, what came before the first event or half a second (a valid subscription stays open). */
async function send({ query, variables, sse }: Case): Promise<string> {
  const abort = new AbortController();
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: sse ? 'text/event-stream' : 'application/json', 'x-api-key': gateway.key },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  if (!sse) return response.text();
  const timer = setTimeout(() => abort.abort(), 500);
  let text = '';
  try {
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += Buffer.from(read.value).toString();
      if (/\ndata:|event: complete/.test(`\n${text}`)) break;
    }
  } catch {
    // Aborted: an open subscription with nothing to send yet.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return text;
}

async function healthMs(): Promise<number> {
  const started = performance.now();
  await (await fetch(new URL('/healthz', gateway.url))).text();
  return performance.now() - started;
}

async function once(sent: Case): Promise<Answer> {
  await longestStallMs();
  const [text, health] = await Promise.all([send(sent), healthMs()]);
  return { text, stallMs: await longestStallMs(), healthMs: health };
}

/** The best of up to TRIES tries: the first within budget, or the one with the smallest stall. */
async function answered(sent: Case): Promise<Answer> {
  let best: Answer | undefined;
  for (let tryNumber = 0; tryNumber < TRIES; tryNumber++) {
    const answer = await once(sent);
    if (answer.stallMs < BUDGET_MS && answer.healthMs < BUDGET_MS) return answer;
    if (!best || Math.max(answer.stallMs, answer.healthMs) < Math.max(best.stallMs, best.healthMs)) best = answer;
  }
  return best!;
}

/** Answered with data or typed errors (never an internal error), and the thread kept free. */
async function checkAnswered(sent: Case) {
  const { text, stallMs, healthMs: health } = await answered(sent);
  // Over SSE an open subscription with nothing to send yet answers with a keep-alive comment.
  expect(text).toMatch(sent.sse ? /"data"|"errors"|^:/ : /"data"|"errors"/);
  expect(text).not.toMatch(/INTERNAL_SERVER_ERROR/);
  const seen = `${sent.query.slice(0, 120)}… -> ${text.slice(0, 200)}`;
  expect(stallMs, `longest stall answering ${seen}`).toBeLessThan(BUDGET_MS);
  expect(health, `/healthz while answering ${seen}`).toBeLessThan(BUDGET_MS);
  expect(text.length, `answer size to ${seen}`).toBeLessThan(100_000);
}

const leafFields = ['id', 'url', 'name', 'topics', 'enabled', 'createdAt', '__typename'];

/**
 * n fragments on Webhook, each with a few fields and spreads of later fragments (repeated up to
 * 4 times), sometimes through inline fragments; the root spreads the first under a union/interface.
 */
const fragmentGraph = fc
  .record({
    fragments: fc.array(
      fc.record({
        fields: fc.subarray(leafFields, { maxLength: 3 }),
        spreads: fc.array(
          fc.record({ ahead: fc.integer({ min: 1, max: 3 }), times: fc.integer({ min: 1, max: 4 }), inline: fc.boolean() }),
          { maxLength: 3 },
        ),
      }),
      { minLength: 2, maxLength: 40 },
    ),
    root: fc.constantFrom(
      'query { webhooks(first: 2) { nodes { ...F0 } } }',
      'query { node(id: "wh_x") { ... on Webhook { ...F0 } ... on Delivery { id webhook { ...F0 } } } }',
      'query { deliveries(first: 2) { nodes { webhook { ...F0 } } } }',
      'subscription { deliveryUpdated { webhook { ...F0 } } }',
    ),
  })
  .map(({ fragments, root }): Case => {
    const last = fragments.length - 1;
    const body = (i: number) => {
      const { fields, spreads } = fragments[i]!;
      const parts = [...fields];
      for (const { ahead, times, inline } of spreads) {
        const target = Math.min(i + ahead, last);
        if (target === i) continue;
        const spread = Array(times).fill(`...F${target}`).join(' ');
        parts.push(inline ? `... on Webhook { ${spread} }` : spread);
      }
      return parts.length > 0 ? parts.join(' ') : 'id';
    };
    const definitions = fragments.map((_, i) => `fragment F${i} on Webhook { ${body(i)} }`);
    return { query: [root, ...definitions].join('\n'), sse: root.startsWith('subscription') };
  });

/** k copies of one selection, aliased or not, with or without arguments, maybe inside inline fragments. */
const sameNamedFields = fc
  .record({
    copies: fc.integer({ min: 1, max: 400 }),
    selection: fc.constantFrom(
      'webhooks { nodes { id } }',
      'a: webhooks { nodes { id url } }',
      'webhooks(first: 1) { totalCount }',
      '__typename',
      'node(id: "wh_x") { id }',
      '... on Query { viewer { tenantId } }',
      'events { nodes { id deliveries { id } } }',
    ),
    wrapped: fc.boolean(),
  })
  .map(({ copies, selection, wrapped }): Case => {
    const many = Array(copies).fill(selection).join(' ');
    return { query: `query { ${wrapped ? `... on Query { ${many} }` : many} }` };
  });

/**
 * Input objects with unknown keys (up to ~1 MiB of them), long lists, unknown keys nested in
 * lists and values of the wrong type: generated as a kind and a size (what fast-check prints),
 * built when sent. Every body stays within the 1 MiB the server reads: a larger one is refused
 * with 413 before it is read, and the connection closed under a client still sending it.
 */
const wideVariables = fc
  .oneof(
    fc.record({ kind: fc.constant('unknown keys' as const), count: fc.integer({ min: 1, max: 65_000 }) }),
    fc.record({ kind: fc.constant('long list' as const), count: fc.integer({ min: 1, max: 80_000 }) }),
    fc.record({ kind: fc.constant('unknown keys in list items' as const), count: fc.integer({ min: 1, max: 20_000 }) }),
    fc.record({ kind: fc.constant('wrong types' as const), count: fc.integer({ min: 1, max: 5_000 }) }),
  )
  .map((spec) => ({ ...spec, [fc.toStringMethod]: () => `${spec.kind} x ${spec.count}` }));

function wideCase({ kind, count }: { kind: string; count: number }): Case {
  const createWebhook = 'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename } }';
  if (kind === 'unknown keys') {
    const input: Record<string, unknown> = { topic: 'message.created', payload: { ok: true } };
    for (let i = 0; i < count; i++) input[`k${i.toString(36)}`] = i % 2 ? { x: [1, 2] } : 'v';
    return { query: 'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename } }', variables: { input } };
  }
  if (kind === 'long list')
    return { query: createWebhook, variables: { input: { url: 'https://example.com/hook', topics: Array(count).fill('message.*') } } };
  if (kind === 'unknown keys in list items') {
    const headers = Array.from({ length: count }, (_, i) => ({ name: 'x-a', value: 'b', [`extra${i}`]: 1 }));
    return { query: createWebhook, variables: { input: { url: 'https://example.com/hook', topics: ['a'], headers } } };
  }
  return {
    query: 'query ($n: Int, $s: DeliveryStatus) { webhooks(first: $n) { nodes { deliveries(status: $s) { totalCount } } } }',
    variables: { n: 'x'.repeat(count * 100), s: Array(count).fill('NOPE') },
  };
}

describe('hostile documents and variables, answered with the main thread free', () => {
  it('fragment graphs with repeated spreads, unions and inline fragments', async () => {
    await fc.assert(fc.asyncProperty(fragmentGraph, checkAnswered), { numRuns: 60 });
  }, 60_000);

  it('many same-named fields', async () => {
    await fc.assert(fc.asyncProperty(sameNamedFields, checkAnswered), { numRuns: 50 });
  }, 60_000);

  it('wide input objects with unknown keys, long lists and values of the wrong type', async () => {
    await fc.assert(
      fc.asyncProperty(wideVariables, (spec) => checkAnswered(wideCase(spec))),
      { numRuns: 40 },
    );
  }, 60_000);
});
