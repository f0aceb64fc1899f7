import { GraphQLError, Kind, valueFromASTUntyped } from 'graphql';
import { builder } from './builder.ts';

// RFC 3339 with a zone; stored and computed as epoch milliseconds.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): number {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an RFC 3339 timestamp such as 2026-01-31T12:00:00.000Z');
  }
  return Date.parse(value);
}

builder.scalarType('DateTime', {
  description: 'RFC 3339, UTC, millisecond precision',
  serialize: (value) => new Date(value).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('URL', {
  description:
    'An absolute URL. Inputs are checked by the mutation that takes them (https only, no credentials, no fragment, no private address) and bad ones come back as a ValidationError.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('URL must be a string');
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('URL must be a string');
    return ast.value;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
