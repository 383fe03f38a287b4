// PodSecurity: the Pod Security Standards a namespace's `pod-security.kubernetes.io/*` labels
// ask for, as upstream's built-in plugin (validating only). A pod that violates the enforce
// level is refused (403, `violates PodSecurity "restricted:latest": ...`); the warn level
// becomes Warning headers and the audit level an annotation on the request's audit event.
// Workload resources (Deployment, Job, CronJob, ...) are never refused: their pod templates
// get the warnings and audit annotations. Labelling a namespace with a stricter enforce
// level warns about the pods already there. Nothing is exempt.

import { invalid } from '../../../../../api/meta/errors.ts';
import type { KubeObject, ObjectMeta } from '../../../../../api/types.ts';
import type { PodSpec } from '../../../../../api/core/pod/types.ts';
import { forbidden } from '../../errors.ts';
import { addAuditAnnotation, type AdmissionDeps, type AdmissionPlugin, type Attributes } from '../../types.ts';
import { evaluatePod, forbiddenDetail, forbiddenReason } from './checks.ts';
import { AUDIT_VIOLATIONS_ANNOTATION, ENFORCED_POLICY_ANNOTATION, compareLevels, levelVersionString, policyOf, type LevelVersion, type Policy } from './policy.ts';

export const NAME = 'PodSecurity';

/** Pod subresources that cannot change what the pod runs (upstream's ignoredPodSubresources). */
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);
/** Upstream's limit on pods checked when a namespace's enforce level changes. */
const MAX_PODS_TO_CHECK = 3000;

interface Template {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}
type Spec = { template?: Template; jobTemplate?: { spec?: { template?: Template } } };

/** The pod template of a workload resource (upstream's DefaultPodSpecExtractor). */
const TEMPLATES: Record<string, (o: KubeObject) => Template | undefined> = {
  '/podtemplates': (o) => (o as { template?: Template }).template,
  '/replicationcontrollers': (o) => (o.spec as Spec | undefined)?.template,
  'apps/replicasets': (o) => (o.spec as Spec | undefined)?.template,
  'apps/deployments': (o) => (o.spec as Spec | undefined)?.template,
  'apps/statefulsets': (o) => (o.spec as Spec | undefined)?.template,
  'apps/daemonsets': (o) => (o.spec as Spec | undefined)?.template,
  'batch/jobs': (o) => (o.spec as Spec | undefined)?.template,
  'batch/cronjobs': (o) => (o.spec as Spec | undefined)?.jobTemplate?.spec?.template,
};

const violations = (lv: LevelVersion, meta: ObjectMeta, spec: PodSpec) => evaluatePod(lv.level, meta, spec);

export function podSecurity(deps: AdmissionDeps): AdmissionPlugin {
  async function namespacePolicy(namespace: string): Promise<Policy | undefined> {
    const ns = await deps.getObject('', 'namespaces', '', namespace);
    return ns ? policyOf(ns.metadata?.labels).policy : undefined;
  }

  /** Audit and warn for a pod or template; enforce too when `enforce` (pods only). */
  function evaluate(a: Attributes, policy: Policy, meta: ObjectMeta, spec: PodSpec, enforce: boolean): void {
    if (enforce) {
      addAuditAnnotation(a, ENFORCED_POLICY_ANNOTATION, levelVersionString(policy.enforce));
      const vs = violations(policy.enforce, meta, spec);
      if (vs.length) {
        // Upstream annotates the audit event before it refuses.
        audit(a, policy, meta, spec);
        throw forbidden(a, `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(vs)}`);
      }
    }
    audit(a, policy, meta, spec);
    const warn = violations(policy.warn, meta, spec);
    if (warn.length) a.warnings.push(`would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warn)}`);
  }

  function audit(a: Attributes, policy: Policy, meta: ObjectMeta, spec: PodSpec): void {
    const vs = violations(policy.audit, meta, spec);
    if (vs.length) addAuditAnnotation(a, AUDIT_VIOLATIONS_ANNOTATION, `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(vs)}`);
  }

  async function validatePod(a: Attributes): Promise<void> {
    if (IGNORED_POD_SUBRESOURCES.has(a.subresource)) return;
    const policy = await namespacePolicy(a.namespace);
    if (!policy || (['enforce', 'audit', 'warn'] as const).every((m) => policy[m].level === 'privileged')) return;
    const pod = a.object as { metadata?: ObjectMeta; spec?: PodSpec };
    if (a.operation === 'UPDATE' && !significantUpdate(pod, a.oldObject as typeof pod)) return;
    evaluate(a, policy, pod.metadata ?? {}, pod.spec ?? {}, true);
  }

  async function validateWorkload(a: Attributes, template: Template | undefined): Promise<void> {
    if (a.subresource || !template) return;
    const policy = await namespacePolicy(a.namespace);
    if (!policy || (policy.warn.level === 'privileged' && policy.audit.level === 'privileged')) return;
    evaluate(a, policy, template.metadata ?? {}, template.spec ?? {}, false);
  }

  async function validateNamespace(a: Attributes): Promise<void> {
    if (a.subresource) return;
    const ns = a.object!;
    const { policy, errors } = policyOf(ns.metadata?.labels);
    if (a.operation === 'CREATE') {
      if (errors.length) throw invalid('Namespace', '', a.name, errors);
      return;
    }
    const old = policyOf(a.oldObject?.metadata?.labels);
    if (errors.length && (old.errors.length === 0 || JSON.stringify(errors) !== JSON.stringify(old.errors))) throw invalid('Namespace', '', a.name, errors);
    const [next, prev] = [policy.enforce, old.policy.enforce];
    if (levelVersionString(next) === levelVersionString(prev) || next.level === 'privileged') return;
    if (next.version === prev.version && compareLevels(next.level, prev.level) < 1) return;
    a.warnings.push(...(await existingPodWarnings(a.name, next)));
  }

  /** Upstream's EvaluatePodsInNamespace: one warning per distinct set of reasons, naming a pod. */
  async function existingPodWarnings(namespace: string, enforce: LevelVersion): Promise<string[]> {
    const pods = (await deps.listObjects('', 'pods', namespace)) as { metadata?: ObjectMeta; spec?: PodSpec }[];
    const checked = pods.slice(0, MAX_PODS_TO_CHECK);
    const byReason = new Map<string, { first: string; count: number }>();
    for (const p of checked) {
      const vs = violations(enforce, p.metadata ?? {}, p.spec ?? {});
      if (!vs.length) continue;
      const reason = forbiddenReason(vs);
      const name = p.metadata?.name ?? '';
      const seen = byReason.get(reason);
      if (!seen) byReason.set(reason, { first: name, count: 1 });
      else byReason.set(reason, { first: name < seen.first ? name : seen.first, count: seen.count + 1 });
    }
    const out: string[] = [];
    if (checked.length < pods.length) out.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
    if (byReason.size) out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
    const per = [...byReason].map(([reason, { first, count }]) => {
      const others = count === 1 ? '' : count === 2 ? ' (and 1 other pod)' : ` (and ${count - 1} other pods)`;
      return `${first}${others}: ${reason}`;
    });
    return [...out, ...per.sort()];
  }

  return {
    name: NAME,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async validate(a) {
      if (!a.object) return;
      const key = `${a.resource.group}/${a.resource.plural}`;
      if (key === '/namespaces') return validateNamespace(a);
      if (!a.namespace) return;
      if (key === '/pods') return validatePod(a);
      const template = TEMPLATES[key];
      if (template) return validateWorkload(a, template(a.object));
    },
  };
}

type PodLike = { metadata?: ObjectMeta; spec?: PodSpec };
/** Upstream's isSignificantPodUpdate: only an image, a seccomp annotation or a new container can change the verdict. */
function significantUpdate(pod: PodLike, old: PodLike | undefined): boolean {
  if (!old) return true;
  const seccomp = 'seccomp.security.alpha.kubernetes.io/pod';
  if (pod.metadata?.annotations?.[seccomp] !== old.metadata?.annotations?.[seccomp]) return true;
  for (const field of ['containers', 'initContainers'] as const) {
    const [n, o] = [pod.spec?.[field] ?? [], old.spec?.[field] ?? []];
    if (n.length !== o.length || n.some((c, i) => c.image !== o[i]!.image)) return true;
  }
  const oldEphemeral = new Map((old.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  return (pod.spec?.ephemeralContainers ?? []).some((c) => oldEphemeral.get(c.name)?.image !== c.image);
}
