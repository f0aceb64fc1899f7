import { createHash } from 'node:crypto';
import type { Plugin } from '@envelop/core';
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { mapAhead } from '../live/read-ahead.ts';
import { newRequestId, withRequestId } from '../request-context.ts';
import type { Context } from './context.ts';
import { updateBytes } from './live-price.ts';

/*
 * Live fan-out: one committed row reaches every subscriber of its tenant, and graphql-js would
 * execute the subscription's selection set once per subscriber and row. Subscribers whose
 * results must be equal share one execution per row instead: the first to take the row runs it,
 * the others reuse its result. Equal means one API key (so one tenant and one set of scopes:
 * a field refused to one key is never served from another key's result), one document, one
 * operation and the same variables.
 *
 * Only the execution is shared. Each subscriber keeps its own source stream from its own
 * `subscribe` resolver (live/registry.ts counts and limits it, and its bounded buffer cuts a
 * slow consumer off alone), and leaving ends only its own stream.
 *
 * Every execution, and the subscribe, gets a context object of its own (a shallow copy of the
 * subscription's). What Pothos keeps per context, dataloaders and the scope cache, then lasts
 * one row: a subscription open for hours showed a renamed webhook under its old name, because
 * the first row's loader answered every later row; and each idle subscription held its scope
 * cache (a handful of Maps) for its whole life.
 */

/** Rows whose execution starts before the subscriber asks for them; a burst's loads batch together. */
const READ_AHEAD = 256;

const printed = new WeakMap<DocumentNode, string>();
// Rows are the objects the live feed hands every listener: a result lives as long as its row does.
const executions = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/** A digest, not the text: every open subscription keeps its key, and the text holds the whole document. */
function sharingKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const { principal } = args.contextValue as Context;
  return createHash('sha256')
    .update(JSON.stringify([principal.keyId, args.operationName ?? null, args.variableValues ?? null, text]))
    .digest('base64url');
}

const ownContext = (args: ExecutionArgs): Context => ({ ...(args.contextValue as Context) });

// Reads that every execution of one row makes alike (its event, with a 256 KiB payload), made once
// for all the documents that differ: the row is one tenant's, and reads are not scoped by key.
const sharedLoads = new WeakMap<object, Map<string, Promise<unknown>>>();

function rowContext(args: ExecutionArgs, row: object): Context {
  const context = ownContext(args);
  let loads = sharedLoads.get(row);
  if (!loads) {
    loads = new Map();
    sharedLoads.set(row, loads);
  }
  context.live = { ...context.live, sharedLoads: loads };
  return context;
}

function sharedExecution(args: ExecutionArgs, key: string, row: unknown, requestId: string): Promise<ExecutionResult> {
  const run = () =>
    Promise.resolve(
      withRequestId(requestId, () =>
        execute({
          ...args,
          contextValue: typeof row === 'object' && row !== null ? rowContext(args, row) : ownContext(args),
          rootValue: row,
        }),
      ),
    );
  if (typeof row !== 'object' || row === null) return run();
  let byKey = executions.get(row);
  if (!byKey) {
    byKey = new Map();
    executions.set(row, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    result = run();
    byKey.set(key, result);
  }
  return result;
}

/**
 * Subscriptions as graphql-js runs them (createSourceEventStream, then execute per row), with the
 * execution shared and started ahead; `shared: false` executes each row alone, one at a time.
 */
export const useSharedSubscriptionExecution = ({ shared }: { shared: boolean }): Plugin => ({
  onSubscribe({ setSubscribeFn }) {
    setSubscribeFn(async (args) => {
      const context = ownContext(args);
      context.live = { ...context.live, updateBytes: updateBytes(args.schema, args.document, args.operationName) };
      const source = await createSourceEventStream({ ...args, contextValue: context });
      if (!(Symbol.asyncIterator in source)) return source;
      const key = sharingKey(args);
      // A subscription's lookups take their turns at the database as a request of its own does
      // (store/fair-turns.ts), not in the one queue of background work.
      const requestId = newRequestId();
      if (!shared)
        return mapAhead(
          source,
          (row) => withRequestId(requestId, () => execute({ ...args, contextValue: ownContext(args), rootValue: row })),
          1,
        );
      return mapAhead(source, (row) => sharedExecution(args, key, row, requestId), READ_AHEAD);
    });
  },
});
