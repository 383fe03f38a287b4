// {resource}/scale for any resource that declares it: an autoscaling/v1 Scale over the
// replicas (spec.replicas and status.replicas, or a custom resource's scale paths) and the
// label selector.

import type { KubeObject, Subresource } from '../../../api/types.ts';
import { StatusError, conflict, OPTIMISTIC_LOCK_MESSAGE } from '../../../api/meta/errors.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { RequestContext } from '../registry/types.ts';
import type { SubresourceEnv } from './types.ts';

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

export function scaleHandler({ engine, resource }: SubresourceEnv): SubresourceHandler {
  // A custom resource says where its replicas and selector are (CRD scale paths).
  const custom = resource.subresources?.find((s) => s.name === 'scale')?.scalePaths;
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
        if (rv && rv !== '0' && rv !== cur.metadata?.resourceVersion) throw conflict(engine.gr, name, OPTIMISTIC_LOCK_MESSAGE);
        writePath(cur, paths.specReplicasPath, (replicas as number | undefined) ?? 0);
        return cur;
      }, undefined, false);
      return { object: asScale(r.object), created: false };
    },
  };
}

