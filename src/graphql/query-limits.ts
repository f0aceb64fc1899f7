import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  Lexer,
  getOperationAST,
  parse,
  Source,
  TokenKind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { documentShapeProblem } from './document-shape.ts';
import { useVariableLimits } from './variable-limits.ts';
import { useJsonBodyLimits } from './json-body-limits.ts';
import { CostLimitError, QUERY_TOO_COMPLEX, operationCost, queryLimits } from './complexity.ts';

/*
 * Limits on the operation's text, checked while it is parsed and validated: before
 * authentication, before any resolver, over HTTP, SSE and graphql-ws alike (the WebSocket server
 * parses and validates through yoga's envelop, so these plugins apply there too).
 */

function tooComplex(message: string) {
  return new GraphQLError(message, { extensions: { code: QUERY_TOO_COMPLEX } });
}

/**
 * Reads the operation's tokens with graphql-js's lexer (a loop, no recursion) and refuses it
 * when it has too many tokens or brackets nested too deep. Only then does the recursive-descent
 * parser see it, so its recursion is at most `nesting` levels: no selection set, list literal or
 * input object, however deep, can reach a stack overflow. graphql-js's own `maxTokens` is passed
 * too, as a second guard; armor's max-tokens plugin counts tokens alone, and a list literal
 * costs one token per level, so 2,000 tokens could still nest 2,000 levels and overflow.
 */
export function checkOperationText(text: string, limits: { tokens: number; nesting: number } = queryLimits): void {
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let open = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (++tokens > limits.tokens) throw tooComplex(`Token limit of ${limits.tokens} exceeded.`);
    if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
      if (++open > limits.nesting) throw tooComplex(`Nesting limit of ${limits.nesting} brackets exceeded.`);
    } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
      open--;
    }
  }
}

const shapeRefusals = {
  expandedFields: (limit: number) => `Fragment spreads expand to more than ${limit} fields.`,
  fieldPairs: (limit: number) => `Too many same-named fields at one path (over ${limit} pairs to compare).`,
};

/**
 * Refuses a document whose fragments expand past `expandedFields`, or whose same-named fields
 * would make validation compare more than `fieldPairs` pairs: while parsing, so validation,
 * armor's depth count (fragments flattened) and cost analysis never see it, and it is never cached.
 */
export function checkDocumentShape(document: DocumentNode): void {
  const problem = documentShapeProblem(document, queryLimits);
  if (problem) throw tooComplex(shapeRefusals[problem.limit](queryLimits[problem.limit]));
}

function useOperationTextLimits(): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        checkOperationText(typeof source === 'string' ? source : source.body);
        const document = parse(source, { ...options, maxTokens: queryLimits.tokens });
        checkDocumentShape(document);
        return document;
      });
    },
  };
}

/** Armor's refusal as an ordinary validation error with our code (its own errors carry none). */
function refuse(context: ValidationContext | null, error: GraphQLError) {
  const refusal = tooComplex(error.message.replace(/^Syntax Error: /, ''));
  if (context) context.reportError(refusal);
  else throw refusal;
}

const armor = { exposeLimits: true, propagateOnRejection: false, onReject: [refuse] };

function costProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: unknown,
): CostLimitError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const cost = operationCost(schema, operation, fragments, (variables ?? {}) as Record<string, unknown>);
  return cost > queryLimits.complexity ? new CostLimitError(cost) : null;
}

/** The cost rules of src/graphql/complexity.ts, applied to the document and its variables before execution. */
function useCostLimit(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = costProblem(args.schema, args.document, args.operationName, args.variableValues);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = costProblem(args.schema, args.document, args.operationName, args.variableValues);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
  };
}

export function queryLimitPlugins(): Plugin[] {
  return [
    useJsonBodyLimits(),
    useOperationTextLimits(),
    // Variables before cost: the cost walk reads page sizes from them.
    useVariableLimits(),
    useCostLimit(),
    maxDepthPlugin({ ...armor, n: queryLimits.depth, flattenFragments: true, ignoreIntrospection: true }) as Plugin,
    maxAliasesPlugin({ ...armor, n: queryLimits.aliases }) as Plugin,
    maxDirectivesPlugin({ ...armor, n: queryLimits.directives }) as Plugin,
  ];
}
