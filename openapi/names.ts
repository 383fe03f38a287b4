// Maps client-node model class names (V1Pod, V1beta1DeviceClass, CoreV1Event, VersionInfo)
// to upstream definition names (io.k8s.api.core.v1.Pod, ...). The class name carries the
// version; the group comes from (1) a prefix when the generator had to disambiguate,
// (2) a small table for apimachinery types, (3) the API class whose operations return the
// kind, and (4) for every other struct, the group of the kinds that reach it.

import { loadApis, loadModels, type ModelClass } from './source.ts';

export interface ClassName {
  className: string;
  group: string | 'meta';
  version: string;
  /** Type name without version prefix: Pod, ObjectMeta, Event. */
  name: string;
  definition: string;
}

const PREFIXED = /^(Admissionregistration|Apiextensions|Apiregistration|Authentication|Core|Discovery|Events|Flowcontrol|Rbac|Resource|Storage)V(\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;
const VERSIONED = /^V(\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

const PREFIX_GROUPS: Record<string, string> = {
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
  Authentication: 'authentication.k8s.io',
  Core: '',
  Discovery: 'discovery.k8s.io',
  Events: 'events.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Resource: 'resource.k8s.io',
  Storage: 'storage.k8s.io',
};

/** apimachinery's meta/v1 types, which every group uses; and a few kinds served by several groups. */
const META_TYPES = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition',
  'DeleteOptions', 'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector',
  'LabelSelectorRequirement', 'ListMeta', 'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference',
  'Preconditions', 'ServerAddressByClientCIDR', 'Status', 'StatusCause', 'StatusDetails', 'WatchEvent',
]);

const FIXED: Record<string, { group: string; version: string; definition: string }> = {
  VersionInfo: { group: 'meta', version: '', definition: 'io.k8s.apimachinery.pkg.version.Info' },
  // Scale is returned by apps and core (the scale subresource) but defined in autoscaling/v1.
  V1Scale: { group: 'autoscaling', version: 'v1', definition: 'io.k8s.api.autoscaling.v1.Scale' },
  V1ScaleSpec: { group: 'autoscaling', version: 'v1', definition: 'io.k8s.api.autoscaling.v1.ScaleSpec' },
  V1ScaleStatus: { group: 'autoscaling', version: 'v1', definition: 'io.k8s.api.autoscaling.v1.ScaleStatus' },
  // The eviction subresource of pods carries a policy/v1 kind.
  V1Eviction: { group: 'policy', version: 'v1', definition: 'io.k8s.api.policy.v1.Eviction' },
  // core/v1 structs that only storage.k8s.io's StorageClass uses.
  V1TopologySelectorTerm: { group: '', version: 'v1', definition: 'io.k8s.api.core.v1.TopologySelectorTerm' },
  V1TopologySelectorLabelRequirement: {
    group: '',
    version: 'v1',
    definition: 'io.k8s.api.core.v1.TopologySelectorLabelRequirement',
  },
};

/** The Go package part of a definition name for an API group. */
export function packageFor(group: string): string {
  switch (group) {
    case 'meta':
      return 'io.k8s.apimachinery.pkg.apis.meta';
    case '':
      return 'io.k8s.api.core';
    case 'apiextensions.k8s.io':
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
    case 'apiregistration.k8s.io':
      return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
    case 'internal.apiserver.k8s.io':
      return 'io.k8s.api.apiserverinternal';
    default:
      return `io.k8s.api.${group.split('.')[0]}`;
  }
}

export function definitionName(group: string, version: string, name: string): string {
  return `${packageFor(group)}.${version}.${name}`;
}

/** Class names a model's attributes refer to. */
export function referencedClasses(m: ModelClass, models: Map<string, ModelClass>): string[] {
  const out: string[] = [];
  for (const a of m.attributes) {
    for (const word of a.type.match(/[A-Za-z0-9]+/g) ?? []) {
      if (models.has(word) && word !== m.className) out.push(word);
    }
  }
  return out;
}

let cache: Map<string, ClassName> | undefined;

/** Every model class with its upstream definition name. Unplaceable classes are left out. */
export function classNames(): Map<string, ClassName> {
  if (cache) return cache;
  const models = loadModels();
  const out = new Map<string, ClassName>();
  const versionOf = new Map<string, { version: string; name: string }>();

  const assign = (className: string, group: string) => {
    const v = versionOf.get(className);
    if (!v || out.has(className)) return;
    const version = `v${v.version}`;
    out.set(className, { className, group, version, name: v.name, definition: definitionName(group, version, v.name) });
  };

  for (const className of models.keys()) {
    const fixed = FIXED[className];
    if (fixed) {
      const name = fixed.definition.slice(fixed.definition.lastIndexOf('.') + 1);
      out.set(className, { className, ...fixed, name });
      continue;
    }
    const p = PREFIXED.exec(className);
    if (p) {
      versionOf.set(className, { version: p[2], name: p[3] });
      assign(className, PREFIX_GROUPS[p[1]]);
      continue;
    }
    const v = VERSIONED.exec(className);
    if (!v) continue;
    versionOf.set(className, { version: v[1], name: v[2] });
    if (v[1] === '1' && META_TYPES.has(v[2])) assign(className, 'meta');
  }

  // Kinds: a class an API of that version returns (or lists) belongs to the API's group.
  const candidates = new Map<string, Set<string>>();
  for (const api of loadApis()) {
    for (const ret of api.returns) {
      const items = models.get(ret)?.attributes.find((a) => a.name === 'items');
      const listed = items ? /^Array<(\w+)>$/.exec(items.type)?.[1] : undefined;
      for (const c of [ret, listed]) {
        if (!c || out.has(c) || `v${versionOf.get(c)?.version}` !== api.version) continue;
        if (!candidates.has(c)) candidates.set(c, new Set());
        candidates.get(c)!.add(api.group);
      }
    }
  }
  for (const [c, groups] of candidates) assign(c, pickGroup(groups));

  // Structs: the groups of the kinds that reach them (through other structs of the same
  // version); core wins ties, because shared structs (PodTemplateSpec, NodeSelector,
  // ObjectReference, Toleration...) live in core.
  const reach = new Map<string, Set<string>>();
  const refs = new Map<string, string[]>();
  const refsOf = (c: string) => {
    let r = refs.get(c);
    if (!r) refs.set(c, (r = referencedClasses(models.get(c)!, models)));
    return r;
  };
  for (const [c, cn] of [...out]) {
    if (cn.group === 'meta') continue;
    const seen = new Set<string>();
    const stack = [c];
    while (stack.length > 0) {
      for (const ref of refsOf(stack.pop()!)) {
        if (seen.has(ref) || out.has(ref) || `v${versionOf.get(ref)?.version}` !== cn.version) continue;
        seen.add(ref);
        stack.push(ref);
        if (!reach.has(ref)) reach.set(ref, new Set());
        reach.get(ref)!.add(cn.group);
      }
    }
  }
  for (const [c, groups] of reach) assign(c, pickGroup(groups));
  cache = out;
  return out;
}

function pickGroup(groups: Set<string>): string {
  if (groups.has('')) return '';
  return [...groups].sort()[0];
}

/** Definition name by client-node class name. */
export function definitionOfClass(className: string): string | undefined {
  return classNames().get(className)?.definition;
}
