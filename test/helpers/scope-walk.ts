import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/*
 * Builds, from the schema alone, the selections that reach every field below one root field, so
 * a field added later is probed without anyone writing a query for it. Each object type is
 * expanded once per root, at its shallowest position (breadth first), which bounds the depth and
 * cuts every cycle (Webhook.deliveries -> Delivery.webhook -> ...); a type met again is selected
 * as `__typename` alone. Every selection set carries `__typename`, so a response can be read
 * back as (type, field) pairs.
 */

/** Which scope a field needs, or null when this key may read it. */
export type Needs = (typeName: string, fieldName: string) => string | null;

type Step = { field: string; args: string } | { on: string };

export type Probe = {
  /** "Type.field" */
  typeField: string;
  /** The root field's selection set reaching this one field alone. */
  selection: string;
  /** Response keys from the root field's value down to the field (fragments left out). */
  path: string[];
  requiredScope: string;
};

export type Walk = {
  /** Every field this key may read, reachable without passing through one it may not. */
  allowed: string;
  probes: Probe[];
};

type Slot = { type: GraphQLNamedType; steps: Step[]; lines: string[] };

/** Arguments for nested fields: small pages; a required argument the walk does not know is an error. */
function argsOf(typeName: string, field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  if (required.length)
    throw new Error(`${typeName}.${field.name} has required arguments ${required.map((a) => a.name)}: teach the scope walk about them`);
  return field.args.some((arg) => arg.name === 'first') ? '(first: 2)' : '';
}

function render(slot: Slot, tree: Map<Slot, Slot[]>): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks where a child slot goes; no GraphQL text contains it
  const body = slot.lines.map((line) => line.replace(/\u0000(\d+)/, (_m, index: string) => render(tree.get(slot)![Number(index)]!, tree)));
  return `{ ${body.join(' ')} }`;
}

function selectionFor(steps: Step[], leaf: string): string {
  let inner = leaf;
  for (const step of [...steps].reverse())
    inner = 'on' in step ? `__typename ... on ${step.on} { ${inner} }` : `__typename ${step.field}${step.args} { ${inner} }`;
  return `{ ${inner} }`;
}

/**
 * Walks the value of one root field. `narrow` limits an abstract root value (a mutation's result
 * union, `node`) to the member the call is known to return.
 */
export function walkRoot(schema: GraphQLSchema, rootType: GraphQLNamedType, needs: Needs, narrow?: string): Walk {
  const root: Slot = { type: rootType, steps: [], lines: [] };
  const tree = new Map<Slot, Slot[]>();
  const expanded = new Set<string>();
  const probes: Probe[] = [];
  const queue: Slot[] = [root];
  const child = (parent: Slot, slot: Slot) => {
    const children = tree.get(parent) ?? [];
    tree.set(parent, [...children, slot]);
    queue.push(slot);
    return `\u0000${children.length}`;
  };
  for (let slot = queue.shift(); slot; slot = queue.shift()) {
    slot.lines.push('__typename');
    if (isAbstractType(slot.type)) {
      for (const member of schema.getPossibleTypes(slot.type)) {
        if (slot === root && narrow && member.name !== narrow) continue;
        slot.lines.push(`... on ${member.name} ${child(slot, { type: member, steps: [...slot.steps, { on: member.name }], lines: [] })}`);
      }
      continue;
    }
    if (!isObjectType(slot.type) || expanded.has(slot.type.name)) continue;
    expanded.add(slot.type.name);
    for (const field of Object.values(slot.type.getFields())) {
      const args = argsOf(slot.type.name, field);
      const needed = needs(slot.type.name, field.name);
      const fieldType = getNamedType(field.type);
      if (needed) {
        const leaf = isCompositeType(fieldType) ? `${field.name}${args} { __typename }` : `${field.name}${args}`;
        probes.push({
          typeField: `${slot.type.name}.${field.name}`,
          selection: selectionFor(slot.steps, leaf),
          path: [...slot.steps.flatMap((step) => ('field' in step ? [step.field] : [])), field.name],
          requiredScope: needed,
        });
        continue;
      }
      if (!isCompositeType(fieldType)) slot.lines.push(`${field.name}${args}`);
      else
        slot.lines.push(
          `${field.name}${args} ${child(slot, { type: fieldType, steps: [...slot.steps, { field: field.name, args }], lines: [] })}`,
        );
    }
  }
  return { allowed: render(root, tree), probes };
}

/** Every value at `path` below `value`, through lists; null and absent values are left out. */
export function valuesAt(value: unknown, path: string[]): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  if (!path.length) return [value];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

/** The "Type.field" pairs present in a response (read through `__typename`). */
export function observedFields(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) observedFields(item, into);
  else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const typeName = typeof object.__typename === 'string' ? object.__typename : null;
    for (const [key, child] of Object.entries(object)) {
      if (typeName && key !== '__typename') into.add(`${typeName}.${key}`);
      observedFields(child, into);
    }
  }
  return into;
}
