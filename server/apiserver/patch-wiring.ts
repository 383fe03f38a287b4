// Connects the patch engines to the request pipeline: content type, field manager, the
// kind's patch schema, and managedFields for plain creates and updates.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import { applyPatch, managedFieldsAfter, managerFromUserAgent, type PatchSchema } from './patch/index.ts';
import { deepEqual } from './patch/json.ts';
import type { BodyType } from './negotiate.ts';
import type { RequestContext } from './registry/types.ts';

const CONTENT_TYPES: Record<BodyType, string> = {
  'json-patch': 'application/json-patch+json',
  'merge-patch': 'application/merge-patch+json',
  'strategic-merge-patch': 'application/strategic-merge-patch+json',
  'apply-patch': 'application/apply-patch+yaml',
  json: 'application/json',
  yaml: 'application/yaml',
  protobuf: 'application/vnd.kubernetes.protobuf',
};

/** Requests whose patch engine already recorded managedFields. */
const handled = new WeakSet<RequestContext>();

export function applyRequestPatch(
  rt: ResourceType,
  type: BodyType,
  live: KubeObject | undefined,
  patch: unknown,
  ctx: RequestContext,
  force: boolean,
  schema: PatchSchema | undefined,
  subresource?: string,
): KubeObject {
  handled.add(ctx);
  return applyPatch(CONTENT_TYPES[type], live, patch, schema, {
    now: ctx.now,
    fieldManager: ctx.fieldManager,
    force: type === 'apply-patch' ? force : undefined,
    userAgent: ctx.userAgent,
    subresource,
    customResource: !!rt.schema,
    resource: { group: rt.group, resource: rt.plural },
    name: live?.metadata?.name,
  });
}

/** managedFields for creates and updates (patches did their own). */
export function manageFields(
  old: KubeObject | undefined,
  obj: KubeObject,
  ctx: RequestContext,
  subresource: string | undefined,
  schema: PatchSchema | undefined,
): void {
  if (handled.has(ctx)) return;
  const manager = ctx.fieldManager || managerFromUserAgent(ctx.userAgent);
  if (!manager) return;
  const [oldView, newView] = old ? changedViews(old, obj) : [undefined, obj];
  const entries = managedFieldsAfter(oldView, newView, manager, 'Update', ctx.now, subresource, schema);
  if (entries) (obj.metadata ??= {}).managedFields = entries;
}

/**
 * The two objects without the top-level fields (spec, status, data...) that did not change:
 * ownership only moves where something changed, and a status write then compares only
 * status instead of walking the whole object. metadata always stays (it holds managedFields).
 */
function changedViews(old: KubeObject, obj: KubeObject): [KubeObject, KubeObject] {
  const a: KubeObject = {};
  const b: KubeObject = {};
  for (const k of new Set([...Object.keys(old), ...Object.keys(obj)])) {
    if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind' && deepEqual(old[k], obj[k])) continue;
    if (k in old) a[k] = old[k];
    if (k in obj) b[k] = obj[k];
  }
  return [a, b];
}
