// Subresources that are not a plain view of the object: scale (autoscaling/v1 Scale over
// spec.replicas) and pods/binding (the scheduler's write of spec.nodeName).

import type { KubeObject, ResourceType, Subresource } from '../../api/types.ts';
import { StatusError, conflict, badRequest, OPTIMISTIC_LOCK_MESSAGE } from '../../api/meta/errors.ts';
import type { ApiContext, SubresourceHandler } from './api-context.ts';
import type { GenericStore } from './registry/store.ts';
import type { RequestContext } from './registry/types.ts';
import { rfc3339 } from './registry/meta.ts';
import { evictionHandler } from './eviction.ts';
import { csrApprovalHandler } from './csr-approval.ts';

type EngineOf = (group: string, plural: string) => GenericStore;

function selectorString(obj: KubeObject): string {
  const sel = (obj.spec as { selector?: unknown } | undefined)?.selector;
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  if (s.matchLabels === undefined && s.matchExpressions === undefined) {
    return Object.entries(sel as Record<string, string>).map(([k, v]) => `${k}=${v}`).sort().join(',');
  }
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

type ScalePaths = NonNullable<Subresource['scalePaths']>;
const BUILTIN_SCALE: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };

function readPath(obj: unknown, path: string): unknown {
  for (const k of path.split('.').filter(Boolean)) obj = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[k] : undefined;
  return obj;
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').filter(Boolean);
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = (cur[k] && typeof cur[k] === 'object' ? cur[k] : (cur[k] = {})) as Record<string, unknown>;
  cur[keys[keys.length - 1]!] = value;
}

function toScale(obj: KubeObject, paths: ScalePaths, custom: boolean): KubeObject {
  const m = obj.metadata ?? {};
  const replicas = readPath(obj, paths.specReplicasPath);
  const statusReplicas = readPath(obj, paths.statusReplicasPath);
  const selector = custom ? readPath(obj, paths.labelSelectorPath ?? '') : selectorString(obj);
  const status: Record<string, unknown> = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
  if (typeof selector === 'string' && (selector || !custom)) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status,
  };
}

function scaleHandler(engine: GenericStore, custom?: ScalePaths): SubresourceHandler {
  const paths = custom ?? BUILTIN_SCALE;
  const asScale = (o: KubeObject) => toScale(o, paths, !!custom);
  return {
    get: async (ctx, name) => asScale(await engine.get(ctx, name)),
    update: async (ctx: RequestContext, name: string, body: KubeObject) => {
      const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
      if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
        throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
          name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' }],
        });
      }
      const rv = body.metadata?.resourceVersion;
      const r = await engine.updateWith(ctx, name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `${engine.gr.group ? `${engine.gr.resource}.${engine.gr.group}` : engine.gr.resource} "${name}" not found`);
        if (rv && rv !== cur.metadata?.resourceVersion) throw conflict(engine.gr, name, OPTIMISTIC_LOCK_MESSAGE);
        writePath(cur, paths.specReplicasPath, (replicas as number | undefined) ?? 0);
        return cur;
      }, undefined, false);
      return { object: asScale(r.object), created: false };
    },
  };
}

function bindingHandler(pods: GenericStore): SubresourceHandler {
  return {
    create: async (ctx, name, body) => {
      const target = (body as { target?: { kind?: string; name?: string } }).target;
      if (!target?.name) {
        throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`, {
          name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
        });
      }
      await pods.updateWith(ctx, name, (pod) => {
        if (!pod) throw new StatusError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
        const spec = (pod.spec ??= {}) as { nodeName?: string };
        if (pod.metadata?.deletionTimestamp) throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
        if (spec.nodeName) throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
        spec.nodeName = target.name;
        const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: null }[] };
        const conds = (status.conditions ??= []);
        const c = conds.find((x) => x.type === 'PodScheduled');
        const now = rfc3339(ctx.now);
        if (c) Object.assign(c, { status: 'True', lastTransitionTime: now });
        else conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
        return pod;
      }, 'binding', false);
      return { object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, code: 201 };
    },
  };
}

/** PUT namespaces/{name}/finalize: the namespace controller's way to clear spec.finalizers. */
function finalizeHandler(namespaces: GenericStore): SubresourceHandler {
  return {
    get: (ctx, name) => namespaces.get(ctx, name),
    update: async (ctx, name, body) => {
      const wanted = (body.spec as { finalizers?: unknown } | undefined)?.finalizers;
      if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((f) => typeof f !== 'string'))) {
        throw badRequest('spec.finalizers must be a list of strings');
      }
      const r = await namespaces.updateWith(ctx, name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' });
        const spec = (cur.spec ??= {}) as { finalizers?: string[] };
        if (wanted && wanted.length) spec.finalizers = wanted as string[];
        else delete spec.finalizers;
        return cur;
      }, 'finalize', false);
      return { object: r.object, created: false };
    },
  };
}

export function subresourceHandlers(api: ApiContext, engineOf: EngineOf): (rt: ResourceType, sub: string) => SubresourceHandler | undefined {
  return (rt, sub) => {
    if (sub === 'scale') {
      const paths = rt.subresources?.find((s) => s.name === 'scale')?.scalePaths;
      return scaleHandler(paths ? api.engine(rt) : engineOf(rt.group, rt.plural), paths);
    }
    if (sub === 'binding' && rt.group === '' && rt.plural === 'pods') return bindingHandler(engineOf('', 'pods'));
    if (sub === 'eviction' && rt.group === '' && rt.plural === 'pods') return evictionHandler(engineOf('', 'pods'), engineOf('policy', 'poddisruptionbudgets'));
    if (sub === 'finalize' && rt.group === '' && rt.plural === 'namespaces') return finalizeHandler(engineOf('', 'namespaces'));
    if (sub === 'approval' && rt.group === 'certificates.k8s.io' && rt.plural === 'certificatesigningrequests') return csrApprovalHandler(engineOf(rt.group, rt.plural));
    return undefined;
  };
}
