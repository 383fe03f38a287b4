// The params a binding hands its policy (paramKind + paramRef), as upstream's dispatcher
// collects them: one object by name or every object a selector picks, in paramRef.namespace,
// else the request's namespace for a namespaced kind. The policy runs once per param; none
// found is an allowed request under parameterNotFoundAction Allow and a configuration error
// (failurePolicy decides) under Deny. A policy without paramKind runs once, without params.

import { labelSelectorFromObject } from '../../../../../api/meta/labels.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import type { ValidatingAdmissionPolicy as Policy } from '../../../../../api/admissionregistration/validating-admission-policy/types.ts';
import type { ValidatingAdmissionPolicyBinding as Binding } from '../../../../../api/admissionregistration/validating-admission-policy-binding/types.ts';
import type { Attributes } from '../../types.ts';

export interface ParamDeps {
  getObject(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  listObjects(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
  /** The served resource of a kind, or undefined when no such kind is served. */
  resourceOfKind(apiVersion: string, kind: string): { group: string; plural: string; namespaced: boolean } | undefined;
}

/** The params to evaluate the policy with (`[undefined]` without paramKind), or a configuration error. */
export async function paramsFor(deps: ParamDeps, policy: Policy, binding: Binding, a: Attributes): Promise<(KubeObject | undefined)[] | Error> {
  const pk = policy.spec?.paramKind;
  if (!pk) return [undefined];
  const gvk = `${pk.apiVersion ?? ''}, Kind=${pk.kind ?? ''}`;
  const ref = binding.spec?.paramRef;
  if (!ref) return new Error(`paramKind kind \`${gvk}\` is defined but paramRef is not set in binding`);
  const rt = deps.resourceOfKind(pk.apiVersion ?? '', pk.kind ?? '');
  if (!rt) return new Error(`failed to find resource referenced by paramKind: '${gvk}'`);
  let namespace = '';
  if (rt.namespaced) {
    namespace = ref.namespace || a.namespace;
    if (!namespace) return new Error('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  }
  let params: KubeObject[];
  if (ref.name) {
    const p = await deps.getObject(rt.group, rt.plural, namespace, ref.name);
    params = p ? [p] : [];
  } else {
    const sel = labelSelectorFromObject(ref.selector ?? {});
    params = (await deps.listObjects(rt.group, rt.plural, namespace)).filter((o) => sel.matches(o.metadata?.labels ?? {}));
  }
  if (params.length === 0 && ref.parameterNotFoundAction === 'Deny') {
    return new Error('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  return params;
}
