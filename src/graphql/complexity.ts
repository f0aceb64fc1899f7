import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { clampActivityMinutes } from '../domain/input-limits.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../store/keyset.ts';
import { ACTIVITY_DURATION_SAMPLE, STATS_WINDOW } from '../store/attempts.ts';

/*
 * What one operation may ask for. The text limits (tokens, nesting, depth, aliases, directives)
 * are checked while parsing and validating (src/query-limits.ts); the cost before execution, from
 * the document and its variables, so no client can ask for (say) 100 webhooks x 100 deliveries
 * x their attempts x ... or a thousand statistics in one request.
 */
export const queryLimits = {
  /** Cost budget of one operation (see operationCost). */
  complexity: 50_000,
  /** Levels of nested fields, fragments flattened. */
  depth: 12,
  /** Lexical tokens in the operation text. */
  tokens: 2_000,
  /** Brackets ({ [ () open at once in the operation text: bounds the parser's recursion. */
  nesting: 64,
  /** Aliased fields in one operation (__typename excepted). */
  aliases: 15,
  /** Directives in one operation. */
  directives: 20,
  /** Field selections in the document with every fragment spread expanded (document-shape.ts). */
  expandedFields: 10_000,
  /** Pairs of same-named fields at one response path, summed over paths: what validation compares. */
  fieldPairs: 20_000,
};

/** extensions.code of every refusal for the operation's shape or cost. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/*
 * Cost rules, by what a field makes the database do. Units are roughly "rows read": a field read
 * off a row already loaded costs 1.
 */
export const costs = {
  /** A field read off its parent's row, or loaded by a dataloader batch (one statement for all parents). */
  field: 1,
  /** Items a list field without a page size (attempts, an event's deliveries, apiKeys) is assumed to hold. */
  listItems: 10,
  /** One SQL statement run for this field alone, per parent it resolves on. */
  statement: 10,
  /** `totalCount`: a count over at most 10,001 matching rows (store/capped-count.ts), per connection it is asked on. */
  count: 100,
};

/**
 * Fields that run SQL of their own each time they resolve (no dataloader batches them), by
 * schema coordinate, with their cost. Connections (fields with a `first` argument) are priced by
 * rule: one statement, plus the rows of the page, plus their sub-selection once per row.
 */
export const statementFields: Readonly<Record<string, number>> = {
  'Query.webhook': costs.statement,
  'Query.delivery': costs.statement,
  'Query.event': costs.statement,
  'Query.node': costs.statement,
  'Query.apiKeys': costs.statement,
  // Two statements: a count over every attempt of the webhook, and the last 1,000 durations, sorted.
  'Webhook.stats': 2 * costs.statement + STATS_WINDOW / 5,
  // One count over at most 10,001 of the webhook's open deliveries, and an index seek per open status.
  'Webhook.held': costs.statement + costs.count,
  // Two statements: a grouped count over the window's attempts, and up to 5,000 durations, sorted.
  'Webhook.activity': 2 * costs.statement + ACTIVITY_DURATION_SAMPLE / 5,
};

export class CostLimitError extends GraphQLError {
  constructor(readonly cost: number) {
    super(`Query would cost ${cost}; at most ${queryLimits.complexity} is allowed (ask for smaller pages, fewer statistics or counts)`, {
      extensions: { code: QUERY_TOO_COMPLEX },
    });
  }
}

/**
 * Fields whose argument sets how long a list below them is, by schema coordinate: that list is
 * priced at its real length instead of `costs.listItems`. `Webhook.activity(minutes: 1440)`
 * returns up to 1,440 minutes.
 */
const sizedLists: Readonly<Record<string, { list: string; length: (args: Record<string, unknown>) => number }>> = {
  'Webhook.activity': { list: 'minutes', length: (args) => clampActivityMinutes(typeof args.minutes === 'number' ? args.minutes : null) },
};

/** A list field of the selection below and the items it holds. */
type SizedList = { list: string; items: number };

type Walk = {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Cost of each selection set already priced, by its type, page and sized list: a fragment spread twice is walked once. */
  priced: Map<SelectionSetNode, Map<string, number>>;
};

/** The field's arguments coerced, or null when they do not coerce (execution fails on them anyway). */
function argumentsOf(
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
  walk: Walk,
): Record<string, unknown> | null {
  try {
    return getArgumentValues(field, node, walk.variables);
  } catch {
    return null;
  }
}

function sizedListOf(
  coordinate: string,
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
  walk: Walk,
): SizedList | null {
  const sized = sizedLists[coordinate];
  if (!sized) return null;
  const args = argumentsOf(field, node, walk);
  return { list: sized.list, items: args ? sized.length(args) : Number.MAX_SAFE_INTEGER };
}

function pageSize(field: GraphQLField<unknown, unknown>, node: Parameters<typeof getArgumentValues>[1], walk: Walk): number {
  try {
    const args = getArgumentValues(field, node, walk.variables);
    const page = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return Math.min(Math.max(page, 1), MAX_PAGE_SIZE);
  } catch {
    // Arguments that do not coerce fail execution anyway; price them as the largest page.
    return MAX_PAGE_SIZE;
  }
}

function selectionCost(
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  walk: Walk,
  page: number | null,
  sized: SizedList | null = null,
): number {
  const key = `${type.name} ${page} ${sized ? `${sized.list} ${sized.items}` : ''}`;
  const byKey = walk.priced.get(selectionSet) ?? new Map<string, number>();
  walk.priced.set(selectionSet, byKey);
  const known = byKey.get(key);
  if (known !== undefined) return known;
  // A fragment spread inside itself (refused by validation) is priced as empty, not walked forever.
  byKey.set(key, 0);
  const total = unpricedSelectionCost(selectionSet, type, walk, page, sized);
  byKey.set(key, total);
  return total;
}

function unpricedSelectionCost(
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  walk: Walk,
  page: number | null,
  sized: SizedList | null,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments[selection.name.value] : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
      total += selectionCost(fragment.selectionSet, condition ?? type, walk, page, sized);
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const field = type.getFields()[selection.name.value];
    if (!field) continue;
    const child = getNamedType(field.type);
    const below = (rowsPage: number | null, list: SizedList | null = null) =>
      selection.selectionSet ? selectionCost(selection.selectionSet, child, walk, rowsPage, list) : 0;
    if (field.args.some((arg) => arg.name === 'first')) {
      // A connection: its page statement reads up to `first` rows; edges and nodes are those rows.
      const rows = pageSize(field, selection, walk);
      total += costs.statement + rows + below(rows);
    } else if (page !== null && (field.name === 'edges' || field.name === 'nodes')) {
      total += costs.field + page * below(null);
    } else if (page !== null && field.name === 'totalCount') {
      total += costs.count;
    } else {
      const coordinate = `${type.name}.${field.name}`;
      const own = statementFields[coordinate] ?? costs.field;
      const listed = sized?.list === field.name ? sized.items : costs.listItems;
      const items = isListType(getNullableType(field.type)) && selection.selectionSet ? listed : 1;
      total += own + items * below(null, sizedListOf(coordinate, field, selection, walk));
    }
  }
  return total;
}

/** What an operation costs under the rules above (README, "Limits"). */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Walk['fragments'],
  variables: Record<string, unknown>,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return selectionCost(operation.selectionSet, root, { schema, fragments, variables, priced: new Map() }, null);
}
