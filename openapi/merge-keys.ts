// Schema lookups for strategic merge patch (and apply): walk a definition field by field
// and read, at each node, how lists merge (patch strategy and merge key, list type and map
// keys) and whether a struct is atomic. See openapi/README.md.

import { builtinDefinitions } from './definitions.ts';
import type { ListType, PatchStrategy } from './overlay.ts';
import { refName, resolve, type Definitions, type Schema } from './schema.ts';

export interface ListStrategy {
  patchStrategy?: PatchStrategy;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: string[];
  /** 'atomic' when the struct or map is replaced whole. */
  mapType?: 'atomic' | 'granular';
}

export type NodeKind = 'struct' | 'map' | 'list' | 'scalar' | 'any';

/** One node of a definition: a struct, a map, a list or a scalar, as reached from its parent. */
export interface PatchSchema {
  /** The definition name when the node is a named type (io.k8s.api.core.v1.Container). */
  readonly definition?: string;
  readonly kind: NodeKind;
  /** A struct's field, or a map's value schema (any key); undefined if unknown. */
  field(name: string): PatchSchema | undefined;
  /** A list's element schema. */
  items(): PatchSchema | undefined;
  /** The list/patch semantics declared on this node. */
  strategy(): ListStrategy;
}

const PATCH_STRATEGIES = new Set(['merge', 'replace', 'retainKeys', 'merge,retainKeys']);

class Node implements PatchSchema {
  readonly definition?: string;
  readonly kind: NodeKind;
  private readonly target: Schema;

  /** site: the schema as its parent declares it (carries the extensions); it may be a $ref. */
  constructor(
    private readonly defs: Definitions,
    private readonly site: Schema,
  ) {
    this.definition = refName(site);
    this.target = resolve(defs, site) ?? {};
    this.kind = kindOf(this.target);
  }

  // Children and strategy are computed once: managedFields walks hit the same nodes on every write.
  private readonly children = new Map<string, PatchSchema | undefined>();
  private itemNode: PatchSchema | undefined | null = null;
  private listStrategy: ListStrategy | undefined;

  field(name: string): PatchSchema | undefined {
    const key = this.kind === 'map' ? '' : name;
    if (this.children.has(key)) return this.children.get(key);
    let child: PatchSchema | undefined;
    if (this.kind === 'struct') {
      const p = this.target.properties?.[name];
      child = p ? new Node(this.defs, p) : undefined;
    } else if (this.kind === 'map' && typeof this.target.additionalProperties === 'object') {
      child = new Node(this.defs, this.target.additionalProperties);
    }
    this.children.set(key, child);
    return child;
  }

  items(): PatchSchema | undefined {
    if (this.itemNode === null) this.itemNode = this.kind === 'list' && this.target.items ? new Node(this.defs, this.target.items) : undefined;
    return this.itemNode;
  }

  strategy(): ListStrategy {
    this.listStrategy ??= this.computeStrategy();
    return { ...this.listStrategy };
  }

  private computeStrategy(): ListStrategy {
    const out: ListStrategy = {};
    const ps = this.site['x-kubernetes-patch-strategy'];
    if (ps && PATCH_STRATEGIES.has(ps)) out.patchStrategy = ps as PatchStrategy;
    const key = this.site['x-kubernetes-patch-merge-key'];
    if (key) out.patchMergeKey = key;
    const lt = this.site['x-kubernetes-list-type'] ?? this.target['x-kubernetes-list-type'];
    if (lt === 'atomic' || lt === 'set' || lt === 'map') out.listType = lt;
    const keys = this.site['x-kubernetes-list-map-keys'] ?? this.target['x-kubernetes-list-map-keys'];
    if (keys) out.listMapKeys = [...keys];
    const mt = this.site['x-kubernetes-map-type'] ?? this.target['x-kubernetes-map-type'];
    if (mt === 'atomic' || mt === 'granular') out.mapType = mt;
    return out;
  }
}

function kindOf(s: Schema): NodeKind {
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return 'any';
  if (s.type === 'array') return 'list';
  if (s.properties) return 'struct';
  if (s.type === 'object') return typeof s.additionalProperties === 'object' ? 'map' : 'any';
  if (s.type || s.oneOf) return 'scalar';
  return 'any';
}

/** The root node of a definition (io.k8s.api.core.v1.Pod), or undefined if unknown. */
const roots = new Map<string, PatchSchema | undefined>();

export function patchSchemaFor(definition: string): PatchSchema | undefined {
  if (!roots.has(definition)) {
    const defs = builtinDefinitions().definitions;
    roots.set(definition, defs[definition] ? new Node(defs, { $ref: `#/definitions/${definition}` }) : undefined);
  }
  return roots.get(definition);
}

/**
 * The node at a path of field names under a definition. List elements are stepped into
 * implicitly: ['spec', 'containers', 'ports'] is the ports list of a container.
 */
export function schemaLookup(definition: string, path: string[]): PatchSchema | undefined {
  let node = patchSchemaFor(definition);
  for (const name of path) {
    while (node?.kind === 'list') node = node.items();
    node = node?.field(name);
    if (!node) return undefined;
  }
  return node;
}
