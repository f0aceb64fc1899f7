import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './index.ts';

const typeOf = (document: DocumentNode, name?: string | null) => getOperationAST(document, name ?? undefined)?.operation ?? 'unknown';

/**
 * Counts GraphQL operations by type and result: refused before execution (invalid, too costly,
 * unauthenticated), finished with errors, or ok. A subscription counts once, when it starts.
 */
export function useOperationMetrics(metrics: Metrics): Plugin {
  return {
    onValidate:
      ({ params }) =>
      ({ result }) => {
        if (result.length > 0) metrics.operation(typeOf(params.documentAST), 'refused');
      },
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        const failed = 'errors' in result && (result.errors?.length ?? 0) > 0;
        metrics.operation(typeOf(args.document, args.operationName), failed ? 'error' : 'ok');
      },
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result }) => {
        const failed = 'errors' in result && (result.errors?.length ?? 0) > 0;
        metrics.operation('subscription', failed ? 'error' : 'ok');
      },
    }),
  };
}
