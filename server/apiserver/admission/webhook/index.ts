// MutatingAdmissionWebhook and ValidatingAdmissionWebhook as plugins of the admission chain:
// each request reads the admissionregistration.k8s.io/v1 configurations (a cached list of the
// watch cache), calls the matching webhooks and applies failurePolicy, sideEffects on dry
// run, denials, JSONPatch mutations, warnings and reinvocationPolicy IfNeeded.

import fjp from 'fast-json-patch';
import { OPTIMISTIC_LOCK_MESSAGE, StatusError, badRequest, conflict, internalError, invalid, type StatusReason } from '../../../../api/meta/errors.ts';
import { FIELD_IMMUTABLE, invalidGo } from '../../../../api/meta/validation.ts';
import type { AuthzCheck } from '../../../../api/admissionregistration/cel-authz.ts';
import type { MatchCondition } from '../../../../api/admissionregistration/rules.ts';
import type { LabelSelector } from '../../../../api/meta/labels.ts';
import type { KubeObject, ResourceType } from '../../../../api/types.ts';
import type { AdmissionPlugin, Attributes } from '../types.ts';
import { buildReview, callWebhook, type ReviewResponse } from './call.ts';
import { CallError, resolveTarget, type ClientConfig } from './target.ts';
import { annotateFailedOpen, annotateFromResponse, annotateMutation, type Called } from './audit.ts';
import { conditionsError, evaluateConditions } from './conditions.ts';
import { convertObject, invocationResource, versionedAttributes } from './equivalent.ts';
import { namespaceSelectorMatches, objectSelectorMatches, type RuleWithOperations } from './match.ts';

export const MUTATING = 'MutatingAdmissionWebhook';
export const VALIDATING = 'ValidatingAdmissionWebhook';

export interface Webhook {
  name: string;
  clientConfig: ClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: string;
  timeoutSeconds?: number;
  reinvocationPolicy?: 'Never' | 'IfNeeded';
  matchConditions?: MatchCondition[];
  matchPolicy?: 'Equivalent' | 'Exact';
}

/** A webhook to call, and the version of the resource it is called at (matchPolicy). */
interface Invocation extends Called {
  w: Webhook;
  rt: ResourceType;
}

export interface WebhookDeps {
  /** Every configuration of the kind ('mutatingwebhookconfigurations' or 'validating...'). */
  listConfigurations(plural: string): Promise<KubeObject[]>;
  getObject(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Objects of a resource in a namespace, from the watch cache (EndpointSlices of a service target). */
  listObjects(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
  /** Every resource served now (built-in and custom): the equivalents of matchPolicy. */
  resourceTypes(): readonly ResourceType[];
  /** The CEL `authorizer` of matchConditions: the server's authorizer chain. */
  authorize?: AuthzCheck;
}

async function matching(deps: WebhookDeps, plural: string, a: Attributes): Promise<Invocation[]> {
  // Upstream never calls webhooks about webhook configurations (nor policies): a broken
  // webhook could otherwise never be removed.
  if (a.resource.group === 'admissionregistration.k8s.io') return [];
  const configs = (await deps.listConfigurations(plural)).sort((x, y) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1));
  const out: Invocation[] = [];
  let index = -1;
  for (const c of configs) {
    for (const w of ((c as unknown as { webhooks?: Webhook[] }).webhooks ?? [])) {
      index++;
      const rt = invocationResource(w, a, deps.resourceTypes);
      if (!rt) continue;
      if (!objectSelectorMatches(w.objectSelector, a)) continue;
      if (!(await namespaceSelectorMatches(w.namespaceSelector, a, (ns) => deps.getObject('', 'namespaces', '', ns)))) continue;
      out.push({ w, rt, webhook: w.name, configuration: c.metadata?.name ?? '', index });
    }
  }
  return out;
}

/**
 * Calls one webhook: 'skipped' when its matchConditions do not hold, undefined when the call
 * failed and its failurePolicy is Ignore. Conditions see the object as it is now (after the
 * mutating webhooks before this one).
 */
async function call(
  deps: WebhookDeps,
  inv: Invocation,
  a: Attributes,
  mutating: boolean,
  round = 0,
  passed?: () => void,
): Promise<{ r: ReviewResponse | undefined; va: Attributes } | 'skipped'> {
  const { w, rt } = inv;
  const va = await versionedAttributes(a, rt);
  const review = buildReview(va, undefined, a.resource);
  const cond = evaluateConditions(w.matchConditions, va, review.request as Record<string, unknown>, w.failurePolicy, deps.authorize);
  if ('error' in cond) throw conditionsError(a, cond.error);
  if (!cond.matches) return 'skipped';
  passed?.();
  if (a.dryRun && w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun') {
    throw badRequest(`admission webhook "${w.name}" does not support dry run`);
  }
  try {
    const target = await resolveTarget({ get: deps.getObject, list: deps.listObjects }, w.clientConfig, w.timeoutSeconds ?? 10).catch((e: unknown) => {
      throw e instanceof CallError ? new CallError(`failed to call webhook: ${e.message}`) : e;
    });
    const r = await callWebhook(target, w.clientConfig.caBundle, review, (w.timeoutSeconds ?? 10) * 1000, mutating);
    if (r.allowed) a.warnings.push(...(r.warnings ?? []));
    annotateFromResponse(a, w.name, r.auditAnnotations);
    return { r, va };
  } catch (e) {
    if (!(e instanceof CallError)) throw e;
    if (w.failurePolicy === 'Ignore') {
      annotateFailedOpen(a, mutating ? 'mutation' : 'validating', round, inv);
      return { r: undefined, va };
    }
    throw internalError(`failed calling webhook "${w.name}": ${e.message}`);
  }
}

function denial(w: Webhook, r: ReviewResponse): StatusError {
  const by = `admission webhook "${w.name}" denied the request`;
  const st = r.status ?? {};
  const message = st.message ? `${by}: ${st.message}` : st.reason ? `${by}: ${st.reason}` : `${by} without explanation`;
  // As upstream's ToStatusErr: a refusal is never below 400.
  return new StatusError(st.code && st.code >= 400 ? st.code : 400, (st.reason ?? '') as StatusReason, message);
}

export function validatingWebhook(deps: WebhookDeps): AdmissionPlugin {
  return {
    name: VALIDATING,
    // As upstream, the validating webhooks are called in parallel; the first denial wins.
    async validate(a) {
      const hooks = await matching(deps, 'validatingwebhookconfigurations', a);
      const results = await Promise.allSettled(hooks.map((inv) => call(deps, inv, a, false)));
      for (const [i, res] of results.entries()) {
        if (res.status === 'rejected') throw res.reason;
        const r = res.value === 'skipped' ? undefined : res.value.r;
        if (r && !r.allowed) throw denial(hooks[i]!.w, r);
      }
    },
  };
}

/**
 * What upstream refuses after mutating admission on an update, whoever mutated: a name or uid
 * other than the stored one (ValidateObjectMetaUpdate: 422 immutable) and a resourceVersion
 * other than the request's (the storage precondition: 409 Conflict). On create the server
 * fills uid and resourceVersion itself, so a webhook's values there are simply replaced.
 */
function refuseSystemMetaChange(a: Attributes, patched: KubeObject): void {
  if (a.operation !== 'UPDATE' || !a.oldObject || !a.object) return;
  const before = a.object.metadata ?? {};
  const after = patched.metadata ?? {};
  const stored = a.oldObject.metadata ?? {};
  const rt = a.resource;
  if (after.name !== before.name && after.name !== stored.name) {
    throw invalid(rt.kind, rt.group, a.name, [invalidGo('metadata.name', after.name, FIELD_IMMUTABLE)]);
  }
  if (after.uid !== before.uid && after.uid !== stored.uid) {
    throw invalid(rt.kind, rt.group, a.name, [invalidGo('metadata.uid', after.uid, FIELD_IMMUTABLE)]);
  }
  if (after.resourceVersion && after.resourceVersion !== before.resourceVersion && after.resourceVersion !== stored.resourceVersion) {
    throw conflict({ group: rt.group, resource: rt.plural }, a.name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

export function mutatingWebhook(deps: WebhookDeps): AdmissionPlugin {
  /** Whether the webhook was called (its conditions held), and whether it changed the object. */
  async function mutate(inv: Invocation, a: Attributes, round: number): Promise<{ called: boolean; changed: boolean }> {
    let changed = false;
    let passed = false;
    try {
      const res = await call(deps, inv, a, true, round, () => (passed = true));
      if (res !== 'skipped') changed = await applyResponse(inv, a, res.va, res.r, round);
    } finally {
      // As upstream's: every call that got past its conditions is recorded, refused or not.
      if (passed) annotateMutation(a, round, inv, changed);
    }
    return { called: passed, changed };
  }
  /** The patch applied at the webhook's version (`va`), then the object converted back. */
  async function applyResponse(inv: Invocation, a: Attributes, va: Attributes, r: ReviewResponse | undefined, round: number): Promise<boolean> {
    const { w, rt } = inv;
    if (!r) return false;
    if (!r.allowed) throw denial(w, r);
    if (!r.patch) return false;
    // As upstream's: a patch that cannot be decoded, or of another type, is a failed call
    // (failurePolicy decides); one that decodes but cannot be applied is an internal error.
    const failed = (why: string) => {
      if (w.failurePolicy !== 'Ignore') throw internalError(`failed calling webhook "${w.name}": ${why}`);
      annotateFailedOpen(a, 'mutation', round, inv);
      return false;
    };
    let ops: fjp.Operation[];
    try {
      ops = JSON.parse(Buffer.from(r.patch, 'base64').toString());
      if (!Array.isArray(ops)) throw new Error('a JSON patch is an array of operations');
    } catch (e) {
      return failed(`received undecodable patch in webhook response: ${(e as Error).message}`);
    }
    if (!ops.length) return false;
    if (r.patchType !== 'JSONPatch') return failed(`unsupported patch type "${String(r.patchType)}"`);
    if (!a.object || !va.object) throw internalError(`admission webhook "${w.name}" attempted to modify the object, which is not supported for this operation`);
    let patchedThere: KubeObject;
    try {
      patchedThere = fjp.applyPatch(structuredClone(va.object), ops, true, false).newDocument;
    } catch (e) {
      throw internalError((e as Error).message);
    }
    if (JSON.stringify(patchedThere) === JSON.stringify(va.object)) return false;
    const patched = await convertObject(patchedThere, rt, a.resource);
    refuseSystemMetaChange(a, patched);
    // Upstream's BeforeCreate/BeforeUpdate check after mutating admission: a patch may not move
    // the object to another namespace (it would be stored under another key).
    if (a.resource.namespaced && patched.metadata?.namespace !== a.object.metadata?.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    // The chain's contract: mutating plugins change the object in place.
    for (const k of Object.keys(a.object)) delete (a.object as Record<string, unknown>)[k];
    Object.assign(a.object, patched);
    return true;
  }
  return {
    name: MUTATING,
    async admit(a) {
      const hooks = await matching(deps, 'mutatingwebhookconfigurations', a);
      const called = new Set<number>();
      const changedAfter = new Set<number>();
      for (const [i, inv] of hooks.entries()) {
        const r = await mutate(inv, a, 0);
        if (r.called) called.add(i);
        if (r.changed) for (const j of called) if (j !== i) changedAfter.add(j);
      }
      // reinvocationPolicy IfNeeded: once more (one round only, as upstream), for a webhook
      // called in the first round that a later one changed the object after.
      for (const [i, inv] of hooks.entries()) {
        if (inv.w.reinvocationPolicy === 'IfNeeded' && changedAfter.has(i)) await mutate(inv, a, 1);
      }
    },
  };
}
