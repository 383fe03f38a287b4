// The little the patch engines need to know about a kind's shape: how each list merges
// (strategic merge patch: patchStrategy/patchMergeKey; server-side apply: listType and
// listMapKeys) and whether a map is atomic. openapi/ provides the real one for built-in
// kinds; schemaFromSpec builds one from plain data (tests, hand-written fragments).

/** The list-related OpenAPI extensions of one field, read on the field's own node. */
export interface ListStrategy {
  /** x-kubernetes-patch-strategy: 'merge', 'replace', 'retainKeys', 'merge,retainKeys'. */
  patchStrategy?: string;
  /** x-kubernetes-patch-merge-key, e.g. 'name' for containers. */
  patchMergeKey?: string;
  /** x-kubernetes-list-type: 'atomic' | 'set' | 'map'. */
  listType?: string;
  /** x-kubernetes-list-map-keys, e.g. ['containerPort', 'protocol']. */
  listMapKeys?: string[];
}

/**
 * A node of a kind's schema. `parent.field('containers')` is the node of the containers
 * field: its listStrategy() says how the list merges and its items() is the Container node.
 * A map[string]T node answers field(anyKey) with T's node.
 */
export interface PatchSchema {
  field(name: string): PatchSchema | undefined;
  items(): PatchSchema | undefined;
  listStrategy(): ListStrategy;
  /**
   * Optional. 'struct': an object with declared fields (spec, metadata); 'map': a
   * map[string]T (labels); 'atomic': x-kubernetes-map-type atomic (a LabelSelector),
   * owned and replaced as a whole by server-side apply. Absent means 'map'.
   */
  mapType?(): 'struct' | 'map' | 'atomic';
}

/** Plain-data description of a schema node, for schemaFromSpec. */
export interface SchemaSpec {
  /** Declared fields of a struct. */
  fields?: Record<string, SchemaSpec>;
  /** Value schema of a map[string]T (used for any key not in `fields`). */
  values?: SchemaSpec;
  /** Item schema of a list. */
  items?: SchemaSpec;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  /** x-kubernetes-map-type: atomic. */
  atomic?: boolean;
}

export function schemaFromSpec(spec: SchemaSpec): PatchSchema {
  return {
    field(name) {
      const f = spec.fields?.[name] ?? spec.values;
      return f ? schemaFromSpec(f) : undefined;
    },
    items() {
      return spec.items ? schemaFromSpec(spec.items) : undefined;
    },
    listStrategy() {
      const s: ListStrategy = {};
      if (spec.patchStrategy) s.patchStrategy = spec.patchStrategy;
      if (spec.patchMergeKey) s.patchMergeKey = spec.patchMergeKey;
      if (spec.listType) s.listType = spec.listType;
      if (spec.listMapKeys) s.listMapKeys = spec.listMapKeys;
      return s;
    },
    mapType() {
      if (spec.atomic) return 'atomic';
      return spec.fields ? 'struct' : 'map';
    },
  };
}

/** How strategic merge patch treats a list: merged (by key, or as a set) or replaced. */
export interface SmpListRule {
  merge: boolean;
  mergeKey?: string;
}

export function smpListRule(schema: PatchSchema | undefined): SmpListRule {
  if (!schema) return { merge: false };
  const s = schema.listStrategy();
  const strategies = (s.patchStrategy ?? '').split(',').map((x) => x.trim());
  if (!strategies.includes('merge')) return { merge: false };
  return s.patchMergeKey ? { merge: true, mergeKey: s.patchMergeKey } : { merge: true };
}

/** How server-side apply treats a list: items keyed by fields, a set of scalars, or atomic. */
export type SsaListKind = { kind: 'atomic' } | { kind: 'set' } | { kind: 'map'; keys: string[] };

export function ssaListKind(schema: PatchSchema | undefined): SsaListKind {
  if (!schema) return { kind: 'atomic' };
  const s = schema.listStrategy();
  if (s.listType === 'map' && s.listMapKeys && s.listMapKeys.length > 0) return { kind: 'map', keys: s.listMapKeys };
  if (s.listType === 'set') return { kind: 'set' };
  if (s.listType === 'atomic') return { kind: 'atomic' };
  // Built-in kinds without list-type: derived from the patch strategy, as upstream does.
  const rule = smpListRule(schema);
  if (rule.merge && rule.mergeKey) return { kind: 'map', keys: [rule.mergeKey] };
  if (rule.merge) return { kind: 'set' };
  return { kind: 'atomic' };
}

export function mapTypeOf(schema: PatchSchema | undefined): 'struct' | 'map' | 'atomic' {
  return schema?.mapType?.() ?? 'map';
}
