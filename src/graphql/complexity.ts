import { GraphQLError, getNullableType, isListType, type GraphQLField } from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../store/keyset.ts';
import type { Context } from './context.ts';

/*
 * What one query may cost, so no client can ask for (say) 100 webhooks x 100 deliveries x their
 * attempts x their webhook x ... in one request. A field costs 1; its sub-selection counts once
 * per item it may return.
 */
export const queryLimits = {
  /** Cost budget of one operation (see fieldComplexity). */
  complexity: 50_000,
  /** Levels of nested fields, fragments flattened. */
  depth: 12,
  /** Lexical tokens in the operation text: stops the parser before deep nesting can recurse. */
  tokens: 2_000,
  /** Brackets ({ [ () open at once in the operation text: bounds the parser's recursion. */
  nesting: 64,
  /** Aliased fields in one operation (__typename excepted). */
  aliases: 15,
  /** Directives in one operation. */
  directives: 20,
};

/** extensions.code of every refusal for the operation's shape or cost. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

const LIST_MULTIPLIER = 10;

export function fieldComplexity(args: Record<string, unknown>, _context: Context, field: GraphQLField<unknown, Context, Record<string, unknown>>) {
  // A connection returns at most `first`/`last` nodes; its edges and nodes are that page, not another multiple.
  if (field.args.some((arg) => arg.name === 'first')) {
    const page = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return { field: 1, multiplier: Math.max(1, page) };
  }
  if (field.name === 'edges' || field.name === 'nodes') return { field: 1, multiplier: 1 };
  return { field: 1, multiplier: isListType(getNullableType(field.type)) ? LIST_MULTIPLIER : 1 };
}

export function complexityError(kind: string, result: { complexity: number; depth: number; maxComplexity?: number; maxDepth?: number }) {
  const message =
    kind === 'Depth'
      ? `Query is nested ${result.depth} levels deep; at most ${result.maxDepth} are allowed`
      : `Query would cost ${result.complexity}; at most ${result.maxComplexity} is allowed (ask for smaller pages or fewer nested lists)`;
  return new GraphQLError(message, { extensions: { code: QUERY_TOO_COMPLEX } });
}
