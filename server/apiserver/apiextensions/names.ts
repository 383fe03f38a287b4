// Upstream's naming controller, as a pure check: a CRD's names are accepted unless another
// resource in its group already uses one of them (plural, singular, short names, kind,
// listKind); the first CRD to claim a name keeps it.

import type { ResourceType } from '../../../api/types.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from '../../../api/apiextensions/custom-resource-definition/types.ts';

export interface NamesVerdict {
  accepted: boolean;
  condition: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>;
}

interface Taken {
  plurals: Set<string>;
  singulars: Set<string>;
  shortNames: Set<string>;
  kinds: Set<string>;
}

function taken(crd: CustomResourceDefinition, others: CustomResourceDefinition[], builtins: ResourceType[]): Taken {
  const t: Taken = { plurals: new Set(), singulars: new Set(), shortNames: new Set(), kinds: new Set() };
  const add = (n: Partial<CustomResourceDefinitionNames>) => {
    if (n.plural) t.plurals.add(n.plural);
    if (n.singular) t.singulars.add(n.singular);
    for (const s of n.shortNames ?? []) t.shortNames.add(s);
    if (n.kind) t.kinds.add(n.kind);
    if (n.listKind) t.kinds.add(n.listKind);
  };
  for (const o of others) {
    if (o.metadata?.name === crd.metadata?.name || o.spec?.group !== crd.spec.group) continue;
    if (o.status?.acceptedNames?.plural) add(o.status.acceptedNames);
  }
  for (const rt of builtins) {
    if (rt.group === crd.spec.group) add({ plural: rt.plural, singular: rt.singular, shortNames: rt.shortNames, kind: rt.kind });
  }
  return t;
}

export function checkNames(crd: CustomResourceDefinition, others: CustomResourceDefinition[], builtins: ResourceType[]): NamesVerdict {
  const n = crd.spec.names;
  const t = taken(crd, others, builtins);
  const conflict = (reason: string, name: string): NamesVerdict => ({
    accepted: false,
    condition: { type: 'NamesAccepted', status: 'False', reason, message: `"${name}" is already in use` },
  });
  if (t.plurals.has(n.plural)) return conflict('PluralConflict', n.plural);
  const singular = n.singular || n.kind.toLowerCase();
  if (t.singulars.has(singular)) return conflict('SingularConflict', singular);
  for (const s of n.shortNames ?? []) if (t.shortNames.has(s)) return conflict('ShortNamesConflict', s);
  if (t.kinds.has(n.kind)) return conflict('KindConflict', n.kind);
  const listKind = n.listKind || `${n.kind}List`;
  if (t.kinds.has(listKind)) return conflict('ListKindConflict', listKind);
  return { accepted: true, condition: { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' } };
}
