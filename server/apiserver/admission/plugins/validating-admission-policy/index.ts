// ValidatingAdmissionPolicy: the admissionregistration.k8s.io/v1 policies and their bindings,
// read per request from the watch cache (a change applies to the next request), evaluated
// in-process with CEL. A policy acts only through a binding: the binding's matchResources
// narrow the policy's matchConstraints, its validationActions say what a failed validation
// does (Deny refuses the request, Warn adds a Warning header, Audit an audit annotation).

import { StatusError, type StatusReason } from '../../../../../api/meta/errors.ts';
import type { KubeObject, ResourceType } from '../../../../../api/types.ts';
import type { ValidatingAdmissionPolicy as Policy } from '../../../../../api/admissionregistration/validating-admission-policy/types.ts';
import type { ValidatingAdmissionPolicyBinding as Binding } from '../../../../../api/admissionregistration/validating-admission-policy-binding/types.ts';
import { forbidden } from '../../errors.ts';
import { addAuditAnnotation, type AdmissionPlugin, type Attributes } from '../../types.ts';
import type { AuthzCheck } from '../../../../../api/admissionregistration/cel-authz.ts';
import { versionedAttributes } from '../../webhook/equivalent.ts';
import { Evaluation, evaluatePolicy } from './evaluate.ts';
import { matchResourcesMatch } from './match.ts';
import { paramsFor, type ParamDeps } from './params.ts';

export const NAME = 'ValidatingAdmissionPolicy';
/** The audit annotation listing the failed validations of bindings with the Audit action. */
export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';

export interface PolicyDeps extends ParamDeps {
  listPolicies(): Promise<KubeObject[]>;
  listBindings(): Promise<KubeObject[]>;
  /** The CEL `authorizer`'s checks (the server's authorizer chain). */
  authorize?: AuthzCheck;
  /** Every resource served now: the equivalents of matchPolicy Equivalent. */
  resourceTypes?(): readonly ResourceType[];
}

interface Denial {
  policy: string;
  binding: string;
  message: string;
  reason: string;
}

const CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

/** Upstream's refusal: admission's Forbidden error, with the validation's reason and its code. */
function refusal(a: Attributes, d: Denial): StatusError {
  const message = `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`;
  const base = forbidden(a, message);
  const reason = d.reason || 'Invalid';
  return new StatusError(CODES[reason] ?? 422, reason as StatusReason, base.message, { ...base.details, causes: [{ message }] });
}

const byName = (x: KubeObject, y: KubeObject) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1);

export function validatingAdmissionPolicy(deps: PolicyDeps): AdmissionPlugin {
  return {
    name: NAME,
    async validate(a) {
      // Upstream exempts its own configuration kinds: a broken policy could never be removed.
      if (a.resource.group === 'admissionregistration.k8s.io') return;
      const bindings = (await deps.listBindings()) as Binding[];
      if (bindings.length === 0) return;
      const policies = ((await deps.listPolicies()) as Policy[]).sort(byName);
      let namespace: Promise<KubeObject | undefined> | undefined;
      const served = () => deps.resourceTypes?.() ?? [];
      const getNamespace = (name: string) => deps.getObject('', 'namespaces', '', name);
      const namespaceObject = () => (namespace ??= a.namespace ? getNamespace(a.namespace) : Promise.resolve(undefined));
      const denials: Denial[] = [];
      const audited: Record<string, unknown>[] = [];
      for (const policy of policies) {
        const pname = policy.metadata?.name ?? '';
        const bound = bindings.filter((b) => b.spec?.policyName === pname).sort(byName);
        if (bound.length === 0) continue;
        const mc = policy.spec?.matchConstraints;
        const at = mc && (await matchResourcesMatch(mc, a, getNamespace, served));
        if (!at) continue;
        // The policy sees the objects at the version its rules matched (matchPolicy Equivalent).
        const va = await versionedAttributes(a, at);
        const fail = policy.spec?.failurePolicy !== 'Ignore';
        for (const binding of bound) {
          const bname = binding.metadata?.name ?? '';
          const mr = binding.spec?.matchResources;
          if (mr && !(await matchResourcesMatch(mr, a, getNamespace, served))) continue;
          const params = await paramsFor(deps, policy, binding, a);
          if (params instanceof Error) {
            // A misconfigured binding is refused under Fail whatever its actions.
            if (fail) denials.push({ policy: pname, binding: bname, message: `failed to configure binding: ${params.message}`, reason: '' });
            continue;
          }
          const actions = binding.spec?.validationActions ?? [];
          for (const param of params) {
            const result = evaluatePolicy(new Evaluation(policy, va, await namespaceObject(), param, deps.authorize, a.resource), policy);
            for (const d of result.decisions) {
              if (d.action !== 'Deny') continue;
              if (actions.includes('Deny')) denials.push({ policy: pname, binding: bname, message: d.message, reason: d.reason });
              if (actions.includes('Warn')) a.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${pname}' with binding '${bname}': ${d.message}`);
              if (actions.includes('Audit')) audited.push({ message: d.message, policy: pname, binding: bname, expressionIndex: d.index, validationActions: actions });
            }
            for (const [key, value] of Object.entries(result.annotations)) addAuditAnnotation(a, `${pname}/${key}`, value);
          }
        }
      }
      if (audited.length) addAuditAnnotation(a, VALIDATION_FAILURE_ANNOTATION, JSON.stringify(audited));
      if (denials.length) throw refusal(a, denials[0]!);
    },
  };
}
