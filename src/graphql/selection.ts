import { GraphQLResolveInfo, Kind } from 'graphql';

/**
 * Whether the current field's selection may include `name`. Fragments are not followed:
 * a selection holding any is assumed to include it, so the answer errs towards doing the work.
 */
export function maySelectField(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) =>
    (node.selectionSet?.selections ?? []).some((selection) => selection.kind !== Kind.FIELD || selection.name.value === name),
  );
}
