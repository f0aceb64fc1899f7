import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/*
 * The same operation written the ways real clients write it. A server whose answer depends on
 * which of these it gets has a bug: graphql-jit's compiled subscriptions read the operation's
 * variables in place of the field's arguments, and its JSON literals drop variables inside them.
 */

export const argumentForms = ['literal', 'same-named variables', 'renamed variables', 'variables inside literals'] as const;
export type ArgumentForm = (typeof argumentForms)[number];

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** The printed schema, as a client sees it. */
export const publicSchema: GraphQLSchema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

function jsonLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}: ${jsonLiteral(item)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

/** A value as a GraphQL literal of `type`: enums bare, input objects by field, JSON untyped. */
export function literal(value: unknown, type: GraphQLInputType): string {
  const nullable = getNullableType(type);
  if (value === null) return 'null';
  if (isListType(nullable)) {
    const items = Array.isArray(value) ? value : [value];
    return `[${items.map((item) => literal(item, nullable.ofType)).join(', ')}]`;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${literal(item, fields[key]!.type)}`)
      .join(', ')}}`;
  }
  if (isEnumType(nullable)) return String(value);
  if (nullable.name === 'JSON') return jsonLiteral(value);
  return JSON.stringify(value);
}

type Variables = { definitions: string[]; values: Record<string, unknown>; leaves: number };

function declare(variables: Variables, name: string, type: string, value: unknown): string {
  variables.definitions.push(`$${name}: ${type}`);
  variables.values[name] = value;
  return `$${name}`;
}

/**
 * Literal structure with every other leaf a variable: input object fields, list items and the
 * fields of a JSON object each become `$leafN` in turn, so literals and variables mix at every level.
 */
function mixed(value: unknown, type: GraphQLInputType | 'JSON', variables: Variables): string {
  const leaf = (leafType: string) =>
    variables.leaves++ % 2 === 0
      ? declare(variables, `leaf${variables.leaves}`, leafType, value)
      : type === 'JSON'
        ? jsonLiteral(value)
        : literal(value, type);
  if (type === 'JSON') {
    if (value !== null && typeof value === 'object') {
      return Array.isArray(value)
        ? `[${value.map((item) => mixed(item, 'JSON', variables)).join(', ')}]`
        : `{${Object.entries(value)
            .map(([key, item]) => `${key}: ${mixed(item, 'JSON', variables)}`)
            .join(', ')}}`;
    }
    return leaf('JSON');
  }
  const nullable = getNullableType(type);
  if (value !== null && isListType(nullable) && Array.isArray(value)) {
    return `[${value.map((item) => mixed(item, nullable.ofType, variables)).join(', ')}]`;
  }
  if (value !== null && isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${mixed(item, fields[key]!.type, variables)}`)
      .join(', ')}}`;
  }
  if (value !== null && getNamedType(nullable).name === 'JSON') return mixed(value, 'JSON', variables);
  return leaf(String(type));
}

export type RenderedOperation = { query: string; variables: Record<string, unknown> };

function declareUnique(variables: Variables, name: string, type: string, value: unknown): string {
  let unique = name;
  for (let n = 2; unique in variables.values; n++) unique = `${name}${n}`;
  return declare(variables, unique, type, value);
}

/**
 * One field's arguments written in `form`. "renamed variables" names each variable after a
 * *different* argument of the same field where there is one, so a server that looks variables
 * up by argument name gets the wrong value, not merely none.
 */
function renderArguments(
  definition: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  form: ArgumentForm,
  variables: Variables,
): string {
  const names = definition.args.map((arg) => arg.name);
  const written = Object.entries(args).map(([name, value]) => {
    const type = definition.args.find((arg) => arg.name === name)?.type;
    if (!type) throw new Error(`${definition.name} has no argument ${name}`);
    const renamed = names.length > 1 ? names[(names.indexOf(name) + 1) % names.length]! : `${name}Value`;
    const text =
      form === 'literal'
        ? literal(value, type)
        : form === 'same-named variables'
          ? declareUnique(variables, name, String(type), value)
          : form === 'renamed variables'
            ? declareUnique(variables, renamed, String(type), value)
            : mixed(value, type, variables);
    return `${name}: ${text}`;
  });
  return written.length ? `(${written.join(', ')})` : '';
}

/**
 * One root field with its arguments, and those of nested fields, written in `form`. A nested
 * field's arguments go where the selection says `{{Type.field}}`, taken from `nested`.
 */
export function renderOperation(
  kind: OperationKind,
  field: string,
  args: Record<string, unknown>,
  selection: string,
  form: ArgumentForm,
  nested: Record<string, Record<string, unknown>> = {},
): RenderedOperation {
  const root =
    kind === 'query'
      ? publicSchema.getQueryType()
      : kind === 'mutation'
        ? publicSchema.getMutationType()
        : publicSchema.getSubscriptionType();
  const definition = root?.getFields()[field];
  if (!definition) throw new Error(`no ${kind} field ${field}`);
  const variables: Variables = { definitions: [], values: {}, leaves: 0 };
  const call = renderArguments(definition, args, form, variables);
  const body = selection.replace(/\{\{(\w+)\.(\w+)\}\}/g, (_, typeName: string, fieldName: string) => {
    const type = publicSchema.getType(typeName);
    const nestedField = type && 'getFields' in type ? (type as GraphQLObjectType).getFields()[fieldName] : undefined;
    if (!nestedField) throw new Error(`no field ${typeName}.${fieldName}`);
    return renderArguments(nestedField, nested[`${typeName}.${fieldName}`] ?? {}, form, variables);
  });
  const header = variables.definitions.length ? `(${variables.definitions.join(', ')})` : '';
  return { query: `${kind} Forms${header} { ${field}${call} ${body} }`, variables: variables.values };
}

const idPattern = /\b(ten|wh|evt|dlv|att|key|aud)_[0-9A-HJKMNP-TV-Z]{26}\b/g;

/**
 * A response with what differs between two fresh gateways taken out: ids become their order of
 * first appearance, timestamps and durations a placeholder.
 */
export function normalizer() {
  const seen = new Map<string, string>();
  return (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value)
        .replace(idPattern, (id) => {
          if (!seen.has(id)) seen.set(id, `${id.split('_')[0]}#${seen.size}`);
          return seen.get(id)!;
        })
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>'),
    );
}
