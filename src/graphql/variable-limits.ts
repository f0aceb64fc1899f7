import {
  GraphQLError,
  getOperationAST,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/*
 * graphql-js coerces variables with an error per unknown input field, each quoting the whole
 * value and a "did you mean" list: 120,000 unknown keys in 1 MB of variables took 5.4 s and
 * answered 51 MB. Here the variables are walked first, against the operation's variable
 * definitions, and refused at the first unknown field or past a count of values. Scalars (JSON
 * payloads among them) are leaves: their content is checked by the input limits, not walked.
 */

export const variableLimits = {
  /** Values (objects, list items, leaves) in one operation's variables, scalars' insides not counted. */
  values: 10_000,
  /** Errors in one answer. */
  errors: 20,
  /** Characters of one error's message. */
  messageLength: 500,
};

/** A caller's text quoted in a refusal: never more than a few dozen characters of it. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The first problem with the operation's variables, or null; stops as soon as it finds one. */
export function variablesProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: unknown,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length || typeof variables !== 'object' || variables === null) return null;
  let values = 0;
  const walk = (value: unknown, type: GraphQLInputType, path: string): GraphQLError | null => {
    if (++values > variableLimits.values) return badInput(`Variables hold more than ${variableLimits.values} values.`);
    if (value === null || value === undefined) return null;
    if (isNonNullType(type)) return walk(value, type.ofType, path);
    if (isListType(type)) {
      if (!Array.isArray(value)) return walk(value, type.ofType, path);
      for (let index = 0; index < value.length; index++) {
        const problem = walk(value[index], type.ofType, `${path}.${index}`);
        if (problem) return problem;
      }
      return null;
    }
    // Values of the wrong kind are left to graphql-js, which reports them once each.
    if (!isInputObjectType(type) || typeof value !== 'object' || Array.isArray(value)) return null;
    const fields = type.getFields();
    // for-in, not Object.entries: the first unknown of 120,000 keys ends the walk without listing them.
    for (const key in value) {
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (!field) return badInput(`Variable at ${quoted(`${path}.${key}`)}: ${type.name} has no such field.`);
      const problem = walk((value as Record<string, unknown>)[key], field.type, `${path}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
  for (const definition of operation.variableDefinitions) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const name = definition.variable.name.value;
    // An unknown type fails validation before execution; nothing to walk.
    const problem = type ? walk((variables as Record<string, unknown>)[name], type, name) : null;
    if (problem) return problem;
  }
  return null;
}

function shortened(error: GraphQLError): GraphQLError {
  if (error.message.length <= variableLimits.messageLength) return error;
  return new GraphQLError(`${error.message.slice(0, variableLimits.messageLength - 1)}…`, {
    nodes: error.nodes,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** At most `errors` errors, each message at most `messageLength` characters: no answer echoes a large input. */
function bounded(result: ExecutionResult): ExecutionResult {
  const errors = result.errors;
  if (!errors || (errors.length <= variableLimits.errors && errors.every((error) => error.message.length <= variableLimits.messageLength)))
    return result;
  return { ...result, errors: errors.slice(0, variableLimits.errors).map(shortened) };
}

const isResult = (result: unknown): result is ExecutionResult =>
  typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);

/** The walk above before execution (HTTP, SSE and graphql-ws alike), and every answer's errors bounded. */
export function useVariableLimits(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = variablesProblem(args.schema, args.document, args.operationName, args.variableValues);
      if (refused) {
        setResultAndStopExecution({ errors: [refused] });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (isResult(result)) setResult(bounded(result));
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = variablesProblem(args.schema, args.document, args.operationName, args.variableValues);
      if (refused) {
        setResultAndStopExecution({ errors: [refused] });
        return;
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (isResult(result)) setResult(bounded(result));
        },
      };
    },
  };
}
