import {
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { inputLimits } from '../domain/limits.ts';

/*
 * What one update of a subscription may cost to send: every `Event.payload` it selects is up to
 * MAX_PAYLOAD_BYTES (domain/limits.ts: 256 KiB) executed, serialized and written for this subscriber alone (documents that
 * differ share no execution), so a tenant's open subscriptions are priced in those bytes
 * (live/registry.ts holds the tenant's sum to LIVE_TENANT_PAYLOAD_BYTES, 16 MiB by default). Counted through
 * fragments once each, so a document that spreads one fragment many times is priced for all of
 * them without walking it again.
 */
export function updateBytes(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const operation = document.definitions.find(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName),
  );
  const root = schema.getSubscriptionType();
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || !root) return 0;
  const counted = new Map<string, number>();

  const payloads = (selections: SelectionSetNode, type: GraphQLNamedType | null | undefined): number => {
    let count = 0;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (type?.name === 'Event' && selection.name.value === 'payload') count += 1;
        const field = isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
        if (selection.selectionSet) count += payloads(selection.selectionSet, field ? getNamedType(field.type) : null);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += payloads(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type);
      } else {
        count += fragmentPayloads(selection.name.value);
      }
    }
    return count;
  };
  const fragmentPayloads = (name: string): number => {
    const known = counted.get(name);
    if (known !== undefined) return known;
    counted.set(name, 0); // validation refuses cycles; this only keeps an invalid one from looping
    const fragment = fragments.get(name);
    const count = fragment ? payloads(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)) : 0;
    counted.set(name, count);
    return count;
  };
  return payloads(operation.selectionSet, root) * inputLimits.payloadBytes.max;
}
