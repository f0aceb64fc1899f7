import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { argumentsOf, operationsOf, staleOverrides } from './helpers/fuzz-arbitraries.ts';
import {
  assertLane,
  failCase,
  asReceived,
  caseArb,
  describeDiff,
  diffOf,
  fc,
  fingerprint,
  fixtureIntact,
  leakedIds,
  fuzzSeed,
  makeFixture,
  post,
  resolver,
  runsScale,
  serialise,
  snapshot,
  transportProblems,
  type Fixture,
  type Snapshot,
} from './helpers/fuzz-lane.ts';
import { oracles } from './helpers/fuzz-oracles.ts';

/*
 * Property-based fuzzing of every mutation and every one of its arguments, over HTTP against one
 * real server (the same createApp as `npm start`, on 127.0.0.1, worker off so only mutations
 * change state). Several lanes run side by side, each with a tenant of its own, so one server
 * takes concurrent requests while every lane can still say exactly what its mutation changed.
 *
 * For every case: no HTTP 5xx and no INTERNAL_SERVER_ERROR; a refused mutation (typed error or
 * GraphQL error) changes nothing in the tenant; an accepted one stored what was sent, as the
 * README normalises it; the victim tenant, whose ids every lane sends, never changes.
 *
 * FUZZ_SEED=<n> reproduces a run (lane i uses seed n + i); FUZZ_RUNS_SCALE=<x> scales it.
 */

const LANES = Number(process.env.FUZZ_LANES ?? 6);
const RUNS_PER_LANE = Math.round(1_200 * runsScale);
const seed = fuzzSeed();
const operations = operationsOf(schema, 'mutation', 3);
const byField = new Map(operations.map((operation) => [operation.field, operation]));

let gw: TestApp;
let victim: Fixture;
let victimState: Snapshot;
let victimPrint: string;
let executed = 0;
const outcomes = new Map<string, number>();

beforeAll(async () => {
  console.log(`fuzz-mutations: FUZZ_SEED=${seed} (lanes use ${seed}..${seed + LANES - 1}), ${LANES} x ${RUNS_PER_LANE} cases`);
  gw = await startTestApp({ ALLOW_PRIVATE_ADDRESSES: 'false', LOG_LEVEL: 'error' }, { startWorker: false });
  victim = await makeFixture(gw.app, 'victim');
  victimState = await snapshot(gw.app, victim.tenantId);
  victimPrint = await fingerprint(gw.app, victim.tenantId);
});
afterAll(() => gw?.close());

async function runLane(lane: number): Promise<void> {
  let generation = 0;
  let fixture = await makeFixture(gw.app, `lane${lane}-g${generation}`);
  let state = await snapshot(gw.app, fixture.tenantId);
  let casesInTenant = 0;
  const property = fc.asyncProperty(caseArb(operations), async ({ field, variables }) => {
    if (casesInTenant >= 150 || !fixtureIntact(fixture, state)) {
      fixture = await makeFixture(gw.app, `lane${lane}-g${++generation}`);
      state = await snapshot(gw.app, fixture.tenantId);
      casesInTenant = 0;
    }
    casesInTenant++;
    executed++;
    const operation = byField.get(field)!;
    const body = serialise(operation.text, variables, resolver(fixture, victim));
    const before = state;
    const exchange = await post(gw.url, fixture.key, body);
    const after = await snapshot(gw.app, fixture.tenantId);
    state = after;

    const problems = transportProblems(exchange);
    const result = exchange.body?.data?.[field] as Record<string, unknown> | null | undefined;
    const outcome =
      typeof result?.__typename === 'string'
        ? result.__typename
        : `errors ${JSON.stringify(exchange.body?.errors?.map((error) => error.message) ?? [])}`;
    const diff = diffOf(before, after);
    const tally = `${field} ${outcome.startsWith('errors') ? 'GraphQL error' : outcome}`;
    outcomes.set(tally, (outcomes.get(tally) ?? 0) + 1);
    if (outcome.endsWith('Success')) {
      problems.push(...oracles[field]!({ variables: asReceived(body), result: result!, before, after, diff, ownKeyId: fixture.keyId }));
    } else {
      const changes = describeDiff(diff);
      if (changes.length) problems.push(`refused (${outcome}) but changed: ${changes.join('; ')}`);
    }
    const leaked = leakedIds(victim, body, exchange.text);
    if (leaked.length) problems.push(`the response names ids of another tenant: ${leaked.join(', ')}`);
    if ((await fingerprint(gw.app, victim.tenantId)) !== victimPrint) {
      problems.push(`the victim tenant changed: ${describeDiff(diffOf(victimState, await snapshot(gw.app, victim.tenantId))).join('; ')}`);
    }
    failCase(field, problems, body, exchange);
  });
  await assertLane(property, seed, lane, RUNS_PER_LANE);
}

describe('fuzzing every mutation', () => {
  it('derives a variable for every argument of every mutation, and has an oracle for each mutation', () => {
    const mutationArgs = argumentsOf(schema).filter((argument) => argument.startsWith('Mutation.'));
    const fuzzed = operations.flatMap((operation) => operation.variables.map((variable) => variable.argument));
    expect(fuzzed.sort()).toEqual(mutationArgs.sort());
    expect(Object.keys(schema.getMutationType()!.getFields()).filter((field) => !byField.has(field))).toEqual([]);
    expect(operations.map((operation) => operation.field).filter((field) => !oracles[field])).toEqual([]);
    expect(staleOverrides(schema)).toEqual([]);
  });

  it('answers every generated mutation without a 5xx or an internal error; refused ones change nothing, accepted ones read back as sent', async () => {
    const cpuAtStart = process.cpuUsage();
    const lanes = await Promise.allSettled(Array.from({ length: LANES }, (_, lane) => runLane(lane)));
    const failures = lanes.flatMap((lane) => (lane.status === 'rejected' ? [(lane.reason as Error).message] : []));
    const cpu = process.cpuUsage(cpuAtStart);
    console.log(`fuzz-mutations: ${executed} cases run (seed ${seed}), ${Math.round((cpu.user + cpu.system) / 1000)} ms of CPU`);
    console.log(
      [...outcomes]
        .sort()
        .map(([tally, count]) => `  ${tally}: ${count}`)
        .join('\n'),
    );
    expect(failures).toEqual([]);
    expect(executed).toBeGreaterThanOrEqual(LANES * RUNS_PER_LANE);
  }, 300_000);
});
