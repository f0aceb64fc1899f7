import { getNamedType, isInputObjectType, isObjectType, isScalarType, type GraphQLInputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { stringLimits } from '../src/domain/input-limits.ts';
import { schema } from '../src/graphql/schema.ts';
import { rawGatewayForFile } from './helpers/raw-gateway.ts';

/*
 * Inputs over their documented limits never reach SQLite: BAD_USER_INPUT on queries, a
 * ValidationError in the result union on mutations.
 */

const raw = rawGatewayForFile();
const post = raw.post;

describe('input limits: checked before any SQL', () => {
  it('a search string over its limit is BAD_USER_INPUT, not a SQLite error', async () => {
    const { body } = await post('query ($s: String) { webhooks(filter: { search: $s }) { totalCount } }', { s: 'x'.repeat(60_000) });
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/filter\.search: must be at most 200 characters/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('an id or cursor over its limit is BAD_USER_INPUT on queries', async () => {
    const long = 'wh_'.padEnd(100_000, 'x');
    for (const query of [
      'query ($s: ID!) { webhook(id: $s) { id } }',
      'query ($s: String) { webhooks(after: $s) { totalCount } }',
      'query ($s: String) { events(topic: $s) { totalCount } }',
    ]) {
      const { body } = await post(query, { s: long });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('a mutation argument over its limit is a ValidationError naming the path, where the result union has one', async () => {
    const update = await post(
      'mutation ($id: ID!) { updateWebhook(id: $id, input: {}) { __typename ... on ValidationError { fieldErrors { path message } } } }',
      {
        id: 'wh_'.padEnd(10_000, 'x'),
      },
    );
    expect(update.body.data?.updateWebhook).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'], message: 'must be at most 64 characters' }],
    });
    const create = await post(
      'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }',
      {
        input: {
          url: `https://example.com/${'a'.repeat(100_000)}`,
          topics: ['message.*', 'm'.repeat(300)],
          headers: [{ name: 'x-a', value: 'v'.repeat(5_000) }],
        },
      },
    );
    expect(create.body.data?.createWebhook).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [
        { path: ['input', 'url'], message: 'must be at most 2048 characters' },
        { path: ['input', 'topics', '1'], message: 'must be at most 200 characters' },
        { path: ['input', 'headers', '0', 'value'], message: 'must be at most 4096 characters' },
      ],
    });
  });

  it('where the result union has no ValidationError, a BAD_USER_INPUT error', async () => {
    const { body } = await post('mutation ($id: ID!) { deleteWebhook(id: $id) { __typename } }', { id: 'wh_'.padEnd(10_000, 'x') });
    expect(body.errors?.[0]).toMatchObject({ message: 'id: must be at most 64 characters', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('every string, id, URL and JSON position of the schema has a documented limit', () => {
    const positions: string[] = [];
    const stringy = (type: GraphQLInputType) => {
      const named = getNamedType(type);
      return isScalarType(named) && ['String', 'ID', 'URL'].includes(named.name);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) if (stringy(arg.type)) positions.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields())) if (stringy(field.type)) positions.push(`${type.name}.${field.name}`);
    }
    // docs/input-limits.md lists them from the same map (limits-page.test.ts holds it to the printed page).
    expect(positions.sort()).toEqual(Object.keys(stringLimits).sort());
  });

  it('a publishEvent payload nested deeper than 32 levels is a ValidationError, as a variable or a literal', async () => {
    // Written out by hand: JSON.stringify itself overflows on a value this deep.
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const query =
      'mutation ($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }';
    const { body } = await raw.gateway.postBody(
      `{"query":${JSON.stringify(query)},"variables":{"input":{"topic":"message.created","payload":${deep}}}}`,
    );
    expect(body.data?.publishEvent).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['input', 'payload'], message: 'must be nested at most 32 levels deep' }],
    });
    const literal = `mutation { publishEvent(input: { topic: "message.created", payload: ${'{ a: '.repeat(40)}1${' }'.repeat(40)} }) { __typename ... on ValidationError { fieldErrors { path message } } } }`;
    const second = await post(literal);
    expect(second.body.data?.publishEvent).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'payload'] }] });
  });
});

it('logs none of these refusals at error level', () => {
  expect(raw.gateway.errorLogLines()).toEqual([]);
});
