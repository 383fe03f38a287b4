// CustomResourceDefinition strategy: defaults (singular, listKind, conversion None), status
// cleared on create with storedVersions set, generation on spec change (generationFields: the
// engine decides it), and deletion held by
// the cleanup finalizer with a Terminating condition until the custom resources are gone.

import type { KubeObject, Strategy } from '../../types.ts';
import { rfc3339 } from '../../meta/time.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../meta/validation.ts';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './validation.ts';
import { CLEANUP_FINALIZER, type CustomResourceDefinition, type CustomResourceDefinitionCondition } from './types.ts';

const as = (o: KubeObject) => o as CustomResourceDefinition;

function defaults(crd: CustomResourceDefinition): void {
  const n = crd.spec?.names;
  if (n?.kind) {
    n.singular ||= n.kind.toLowerCase();
    n.listKind ||= `${n.kind}List`;
  }
  if (crd.spec && typeof crd.spec === 'object') crd.spec.conversion ??= { strategy: 'None' };
}

function storageVersion(crd: CustomResourceDefinition): string | undefined {
  return crd.spec?.versions?.find((v) => v.storage)?.name;
}

export function setCondition(crd: CustomResourceDefinition, c: CustomResourceDefinitionCondition): void {
  const status = (crd.status ??= {});
  const conds = (status.conditions ??= []);
  const i = conds.findIndex((x) => x.type === c.type);
  if (i < 0) conds.push(c);
  else if (conds[i]!.status === c.status) conds[i] = { ...c, lastTransitionTime: conds[i]!.lastTransitionTime };
  else conds[i] = c;
}

export const customResourceDefinitionStrategy: Strategy = {
  prepareForCreate(obj) {
    const crd = as(obj);
    defaults(crd);
    const sv = storageVersion(crd);
    crd.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: sv ? [sv] : [] };
  },
  validate: (obj) => [...validateObjectMeta(obj.metadata, false, 'subdomain'), ...validateCustomResourceDefinition(as(obj))],
  prepareForUpdate(obj, old) {
    const crd = as(obj);
    defaults(crd);
    const sv = storageVersion(crd);
    const stored = [...(as(old).status?.storedVersions ?? [])];
    if (sv && !stored.includes(sv)) stored.push(sv);
    if (crd.status) crd.status.storedVersions = stored;
  },
  generationFields: ['spec'],
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateCustomResourceDefinition(as(obj)),
    ...validateCustomResourceDefinitionUpdate(as(obj), as(old)),
  ],
  // Deleting a CRD always goes through its cleanup finalizer (its objects go first).
  deletionPending: (obj) => !obj.metadata?.deletionTimestamp,
  prepareForDeletion(obj, ctx) {
    const crd = as(obj);
    const m = (crd.metadata ??= {});
    if (!m.finalizers?.includes(CLEANUP_FINALIZER)) m.finalizers = [...(m.finalizers ?? []), CLEANUP_FINALIZER];
    setCondition(crd, {
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: rfc3339(ctx.now),
      reason: 'InstanceDeletionInProgress',
      message: 'CustomResource deletion is in progress',
    });
  },
};
