import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';
import { fencedBlocks, repoRoot } from './helpers/readme.ts';

/*
 * The docs name the schema as it is. Every GraphQL document in README.md and docs/*.md (graphql
 * blocks, and the queries inside curl and script blocks) is parsed and validated against the
 * schema the server serves; every `Type.field` the prose names exists, with the arguments and
 * subfields it is written with; and the README's scope table lists every mutation, in the row of
 * the scope it needs. A renamed field fails here, not in a reader's first request.
 */

type Doc = { file: string; text: string };

const docs: Doc[] = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
].map((file) => ({ file, text: readFileSync(join(repoRoot, file), 'utf8') }));

/** Every GraphQL document in a Markdown text, with the line of the block it is in. */
function graphqlDocuments(markdown: string): { line: number; source: string }[] {
  const found: { line: number; source: string }[] = [];
  for (const block of fencedBlocks(markdown)) {
    if (block.lang === 'graphql') {
      found.push({ line: block.line, source: block.code });
      continue;
    }
    // A JSON body's "query" (curl -d '{"query":"..."}'), its escapes undone as JSON would.
    for (const match of block.code.matchAll(/"query"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
      found.push({ line: block.line, source: JSON.parse(`"${match[1]}"`) as string });
    }
    // A script's operation text: a string that starts as an operation does.
    for (const match of block.code.matchAll(/(['`])((?:query|mutation|subscription)\b[^'`]*\{[^'`]*)\1/g)) {
      found.push({ line: block.line, source: match[2]! });
    }
  }
  return found;
}

/** The fields of a type that has fields (object, interface, input); null for any other name. */
function fieldsOf(typeName: string): Record<string, { args?: readonly { name: string }[]; type: unknown }> | null {
  const type = schema.getType(typeName);
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return type.getFields();
  return null;
}

/**
 * What is wrong with one prose mention: `Type.field`, `Type.field(arg, arg)`,
 * `Type.field { sub sub }`, or `Type.field`: sub, sub, ... (a list of the subfields, as words,
 * up to the first item that is not one word). Names that are not a schema type are not checked.
 */
function mentionProblems(typeName: string, field: string, args: string | undefined, subs: string[]): string[] {
  const fields = fieldsOf(typeName);
  if (!fields) return [];
  const found = fields[field];
  if (!found) return [`${typeName}.${field}: no such field`];
  const problems: string[] = [];
  for (const arg of (args ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)) {
    if (!found.args?.some((known) => known.name === arg)) problems.push(`${typeName}.${field}(${arg}): no such argument`);
  }
  const inner = getNamedType(found.type as Parameters<typeof getNamedType>[0]);
  const innerFields = inner ? fieldsOf(inner.name) : null;
  for (const sub of subs) {
    if (innerFields && !innerFields[sub]) problems.push(`${typeName}.${field} { ${sub} }: ${inner!.name} has no field ${sub}`);
  }
  return problems;
}

/** Every prose mention's problems in a Markdown text, each with its line. */
function proseProblems(markdown: string): string[] {
  const problems: string[] = [];
  const mention = /`([A-Z][A-Za-z0-9]*)\.([a-z_][A-Za-z0-9_]*)(?:\(([^)`]*)\))?(?:\s*\{([^}`]*)\})?`(?=(:[^\n]*)|)/g;
  for (const match of markdown.matchAll(mention)) {
    const [, typeName, field, args, selection, listed] = match;
    const subs = (selection ?? '').split(/\s+/).filter(Boolean);
    if (listed) {
      // `Type.field`: a, b, c, then prose: the leading one-word items are its subfields (looked
      // ahead at, not consumed, so a mention later on that line is still found).
      for (const item of listed.slice(listed.indexOf(':') + 1).split(',')) {
        const word = item.trim();
        if (!/^[a-z][A-Za-z0-9]*$/.test(word)) break;
        subs.push(word);
      }
    }
    const line = markdown.slice(0, match.index).split('\n').length;
    problems.push(...mentionProblems(typeName!, field!, args, subs).map((problem) => `line ${line}: ${problem}`));
  }
  return problems;
}

/** The README's scope table: each scope's row and the names written in it as `code`. */
function scopeTable(readme: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const start = readme.indexOf('| scope | allows |');
  if (start < 0) return rows;
  for (const line of readme.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [, scope = '', allows = ''] = line.split('|').map((cell) => cell.trim());
    rows.set(
      scope.replaceAll('`', ''),
      [...allows.matchAll(/`([^`]+)`/g)].map((match) => match[1]!),
    );
  }
  return rows;
}

/** The scope a root field's resolver asks for (Pothos' authScopes); null when any key may call it. */
function requiredScope(field: GraphQLField<unknown, unknown>): string | null {
  const options = field.extensions?.pothosOptions as { authScopes?: { scope?: string } } | undefined;
  return options?.authScopes?.scope ?? null;
}

describe('the docs name the schema as it is', () => {
  it('finds the documents and mentions it checks (the extraction itself works)', () => {
    const readme = docs.find((doc) => doc.file === 'README.md')!.text;
    expect(graphqlDocuments(readme).length).toBeGreaterThan(10);
    expect(proseProblems('`Webhook.stats`: attempts, successes, and more')).toEqual([
      'line 1: Webhook.stats { successes }: WebhookStats has no field successes',
    ]);
    expect(proseProblems('`Webhook.nope` and `Webhook.deliveries(status, colour)`')).toEqual([
      'line 1: Webhook.nope: no such field',
      'line 1: Webhook.deliveries(colour): no such argument',
    ]);
  });

  it.each(docs.map((doc) => [doc.file, doc] as const))('%s: every GraphQL document validates against the schema', (_file, doc) => {
    const problems = graphqlDocuments(doc.text).flatMap(({ line, source }) => {
      let document: ReturnType<typeof parse>;
      try {
        document = parse(source);
      } catch (error) {
        return [`block at line ${line}: ${(error as Error).message}`];
      }
      return validate(schema as GraphQLSchema, document).map((error) => `block at line ${line}: ${error.message}`);
    });
    expect(problems).toEqual([]);
  });

  it.each(docs.map((doc) => [doc.file, doc] as const))('%s: every Type.field the prose names exists', (_file, doc) => {
    expect(proseProblems(doc.text)).toEqual([]);
  });
});

describe("the README's scope table", () => {
  const readme = docs.find((doc) => doc.file === 'README.md')!.text;
  const table = scopeTable(readme);
  const mutations = Object.values(schema.getMutationType()!.getFields());

  it('lists every mutation, in the row of the scope it needs', () => {
    expect(table.size).toBeGreaterThan(0);
    const rowOf = (name: string) => [...table].filter(([, names]) => names.includes(name)).map(([scope]) => scope);
    const problems = mutations.flatMap((field) => {
      const rows = rowOf(field.name);
      const scope = requiredScope(field);
      if (rows.length === 0) return [`${field.name} (needs ${scope ?? 'no scope'}) is not in the scope table`];
      if (scope && !rows.includes(scope)) return [`${field.name} needs ${scope} but is listed under ${rows.join(', ')}`];
      return [];
    });
    expect(problems).toEqual([]);
  });
});
