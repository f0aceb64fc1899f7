import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST } from 'graphql';

/*
 * graphql-jit compiles an operation once into plain JavaScript, which serves reads about twice as
 * fast (bench/RESULTS.md). It is confined to queries because it is wrong elsewhere: its compiled
 * subscriptions hand the operation's variables to `subscribe` in place of the field's arguments,
 * and JSON literals with variables inside (publishEvent payloads) lose those variables.
 * test/argument-forms.test.ts sends every argument of every query as a literal, a same-named
 * variable, a differently named variable and variables inside literals to the real server, and
 * fails if any form answers differently.
 */
export const useCompiledQueries = () =>
  useGraphQlJit({}, { enableIf: ({ document, operationName }) => getOperationAST(document, operationName)?.operation === 'query' });
