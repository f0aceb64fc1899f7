import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { argumentsOf, operationsOf } from './helpers/fuzz-arbitraries.ts';
import { expectedWebhookCount } from './helpers/fuzz-oracles.ts';
import {
  asReceived,
  assertLane,
  caseArb,
  failCase,
  fc,
  fingerprint,
  fuzzSeed,
  leakedIds,
  makeFixture,
  post,
  resolver,
  runsScale,
  serialise,
  subscribeOnce,
  transportProblems,
  type Fixture,
} from './helpers/fuzz-lane.ts';

/*
 * Property-based fuzzing of every query argument (root fields and the connections below them,
 * e.g. Webhook.deliveries), over HTTP against one real server; see fuzz-mutations.test.ts for
 * the set-up. For every case: no HTTP 5xx, no INTERNAL_SERVER_ERROR, nothing of another tenant
 * in the answer, neither tenant changed by reading, and webhooks(filter:) counts what the
 * README's filter definitions select.
 */

const LANES = Number(process.env.FUZZ_LANES ?? 4);
const RUNS_PER_LANE = Math.round(700 * runsScale);
const seed = fuzzSeed();
const operations = operationsOf(schema, 'query', 2);
const subscriptions = operationsOf(schema, 'subscription', 1);
const byField = new Map([...operations, ...subscriptions].map((operation) => [operation.field, operation]));
const SUBSCRIPTION_RUNS = Math.round(300 * runsScale);

let gw: TestApp;
let victim: Fixture;
let executed = 0;
let checkedCounts = 0;

beforeAll(async () => {
  console.log(`fuzz-queries: FUZZ_SEED=${seed} (lanes use ${seed}..${seed + LANES - 1}), ${LANES} x ${RUNS_PER_LANE} cases`);
  gw = await startTestApp({ ALLOW_PRIVATE_ADDRESSES: 'false', LOG_LEVEL: 'error' }, { startWorker: false });
  victim = await makeFixture(gw.app, 'victim');
});
afterAll(() => gw?.close());

async function runLane(lane: number): Promise<void> {
  const fixture = await makeFixture(gw.app, `lane${lane}`);
  const ownPrint = await fingerprint(gw.app, fixture.tenantId);
  const victimPrint = await fingerprint(gw.app, victim.tenantId);
  const property = fc.asyncProperty(caseArb(operations), async ({ field, variables }) => {
    executed++;
    const body = serialise(byField.get(field)!.text, variables, resolver(fixture, victim));
    const exchange = await post(gw.url, fixture.key, body);
    const problems = transportProblems(exchange);
    const leaked = leakedIds(victim, body, exchange.text);
    if (leaked.length) problems.push(`the response names ids of another tenant: ${leaked.join(', ')}`);
    if ((await fingerprint(gw.app, fixture.tenantId)) !== ownPrint) problems.push('reading changed the tenant');
    const connection = exchange.body?.data?.webhooks as { totalCount?: number } | null | undefined;
    if (field === 'webhooks' && typeof connection?.totalCount === 'number') {
      checkedCounts++;
      const rows = await gw.app.db.selectFrom('webhooks').selectAll().where('tenant_id', '=', fixture.tenantId).execute();
      const expected = expectedWebhookCount(rows, asReceived(body).filter as Record<string, unknown> | null | undefined);
      if (connection.totalCount !== expected)
        problems.push(`webhooks(filter:) counted ${connection.totalCount}, the README's filters give ${expected}`);
    }
    if ((await fingerprint(gw.app, victim.tenantId)) !== victimPrint) problems.push('reading changed the victim tenant');
    failCase(field, problems, body, exchange);
  });
  await assertLane(property, seed, lane, RUNS_PER_LANE);
}

describe('fuzzing every query argument', () => {
  it('derives a variable for every argument of the queries and of the fields below them', () => {
    const fuzzed = new Set(operations.flatMap((operation) => operation.variables.map((variable) => variable.argument)));
    for (const operation of subscriptions) for (const variable of operation.variables) fuzzed.add(variable.argument);
    const readArgs = argumentsOf(schema).filter((argument) => !argument.startsWith('Mutation.'));
    expect(readArgs.filter((argument) => !fuzzed.has(argument))).toEqual([]);
  });

  it('answers every generated query without a 5xx, an internal error or another tenant’s data, and changes nothing', async () => {
    const cpuAtStart = process.cpuUsage();
    const lanes = await Promise.allSettled(Array.from({ length: LANES }, (_, lane) => runLane(lane)));
    const failures = lanes.flatMap((lane) => (lane.status === 'rejected' ? [(lane.reason as Error).message] : []));
    const cpu = process.cpuUsage(cpuAtStart);
    console.log(
      `fuzz-queries: ${executed} cases run (seed ${seed}), ${checkedCounts} webhooks(filter:) counts checked, ${Math.round((cpu.user + cpu.system) / 1000)} ms of CPU`,
    );
    expect(failures).toEqual([]);
    expect(executed).toBeGreaterThanOrEqual(LANES * RUNS_PER_LANE);
  }, 300_000);

  it('opens or refuses every generated subscription (SSE) without an internal error or another tenant’s data', async () => {
    const fixture = await makeFixture(gw.app, 'subscriber');
    const property = fc.asyncProperty(caseArb(subscriptions), async ({ field, variables }) => {
      executed++;
      const body = serialise(byField.get(field)!.text, variables, resolver(fixture, victim));
      const before = gw.app.live.count(fixture.tenantId);
      const exchange = await subscribeOnce(gw.url, fixture.key, body, () => gw.app.live.count(fixture.tenantId) > before);
      const problems = exchange.status >= 500 ? [`HTTP ${exchange.status}`] : [];
      if (/INTERNAL_SERVER_ERROR|Unexpected error/.test(exchange.text)) problems.push('INTERNAL_SERVER_ERROR in the stream');
      if (!exchange.open && !/"errors"/.test(exchange.text)) problems.push('a stream that ended without an error');
      const leaked = leakedIds(victim, body, exchange.text);
      if (leaked.length) problems.push(`the stream names ids of another tenant: ${leaked.join(', ')}`);
      // Closing the stream ends the subscription; wait for the registry to say so before the next case.
      for (let round = 0; gw.app.live.count(fixture.tenantId) > before && round < 100_000; round++)
        await new Promise((resolve) => setImmediate(resolve));
      if (gw.app.live.count(fixture.tenantId) > before) problems.push('a closed stream left its subscription open');
      if (problems.length)
        throw new Error(`${field}: ${problems.join('\n')}\nrequest: ${body}\nstream ${exchange.status}: ${exchange.text.slice(0, 2000)}`);
    });
    try {
      await fc.assert(property, { seed, numRuns: SUBSCRIPTION_RUNS });
    } catch (error) {
      const cause = (error as Error).cause;
      throw new Error(
        `subscription fuzzing failed; reproduce with FUZZ_SEED=${seed}\n${(error as Error).message}${cause instanceof Error ? `\n${cause.message}` : ''}`,
      );
    }
  });
});
