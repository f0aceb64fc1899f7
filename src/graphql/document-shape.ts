import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/*
 * What a document makes validation and cost analysis walk, measured before either runs, in time
 * linear in the document. A document of 600 bytes can spread fragments into millions of fields
 * (20 fragments each spreading the next twice), and graphql-js's OverlappingFieldsCanBeMerged
 * compares every pair of same-named fields at one response path, so 250 copies of
 * `webhooks { nodes { id } }` (within the token limit) are 90,000 comparisons.
 */

export type ShapeLimits = {
  /** Field selections of all definitions with every fragment spread expanded. */
  expandedFields: number;
  /** Pairs of same-named fields at one response path, summed over paths (n² per path). */
  fieldPairs: number;
};

export type ShapeProblem = { limit: keyof ShapeLimits; value: number };

/**
 * The first limit the document goes past, or null. Expansion sizes are memoized per fragment
 * (a repeated spread is priced, not walked again) and capped, so this pass is linear in the
 * text; the pair count then walks the expanded document, at most `expandedFields` selections.
 */
export function documentShapeProblem(document: DocumentNode, limits: ShapeLimits): ShapeProblem | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const cap = limits.expandedFields + 1;
  const sizes = new Map<string, number>();
  // A cycle counts as empty here; validation refuses it (NoFragmentCyclesRule).
  const sizeOfFragment = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    sizes.set(name, 0);
    const size = fragment ? sizeOf(fragment.selectionSet) : 0;
    sizes.set(name, size);
    return size;
  };
  const sizeOf = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + (selection.selectionSet ? sizeOf(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += sizeOf(selection.selectionSet);
      else total += sizeOfFragment(selection.name.value);
      if (total >= cap) return cap;
    }
    return total;
  };
  const roots = document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION ? [definition.selectionSet] : [],
  );
  let expanded = 0;
  for (const root of roots) {
    expanded = Math.min(cap, expanded + sizeOf(root));
    if (expanded > limits.expandedFields) return { limit: 'expandedFields', value: expanded };
  }

  // Same-named fields at one path, from every set merged there. Each set carries the fragments
  // it lies within, so a fragment spread inside itself stops (validation refuses the cycle).
  type Placed = { set: SelectionSetNode; within: ReadonlySet<string> };
  let pairs = 0;
  const pairsAt = (sets: readonly Placed[]): boolean => {
    const below = new Map<string, Placed[]>();
    const counts = new Map<string, number>();
    const collect = ({ set, within }: Placed) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          counts.set(name, (counts.get(name) ?? 0) + 1);
          if (selection.selectionSet) {
            const list = below.get(name) ?? [];
            list.push({ set: selection.selectionSet, within });
            below.set(name, list);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect({ set: selection.selectionSet, within });
        } else if (!within.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          if (fragment) collect({ set: fragment.selectionSet, within: new Set([...within, selection.name.value]) });
        }
      }
    };
    for (const placed of sets) collect(placed);
    for (const count of counts.values()) pairs += count * count;
    if (pairs > limits.fieldPairs) return false;
    for (const sets of below.values()) if (!pairsAt(sets)) return false;
    return true;
  };
  for (const root of roots) {
    if (!pairsAt([{ set: root, within: new Set() }])) return { limit: 'fieldPairs', value: pairs };
  }
  return null;
}
