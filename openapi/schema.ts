// The shape of the schemas we emit (OpenAPI v2 definitions; v3 is derived from them), and
// small helpers to walk them.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

export type Definitions = Record<string, Schema>;

export const V2_REF_PREFIX = '#/definitions/';
export const V3_REF_PREFIX = '#/components/schemas/';

/** The definition name a schema refers to (directly, or via a one-element allOf), if any. */
export function refName(s: Schema | undefined): string | undefined {
  const ref = s?.$ref ?? (s?.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  if (!ref) return undefined;
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Follows a reference into the definitions; other schemas are returned as they are. */
export function resolve(defs: Definitions, s: Schema | undefined): Schema | undefined {
  const name = refName(s);
  return name ? defs[name] : s;
}

/** Every definition name reachable from the roots (roots included). */
export function closure(defs: Definitions, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots].filter((r) => defs[r]);
  const visit = (s: Schema | undefined) => {
    if (!s) return;
    const name = refName(s);
    if (name && !seen.has(name) && defs[name]) {
      seen.add(name);
      stack.push(name);
    }
    for (const p of Object.values(s.properties ?? {})) visit(p);
    visit(s.items);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties);
    for (const a of s.allOf ?? []) visit(a);
    for (const a of s.oneOf ?? []) visit(a);
  };
  for (const r of stack) seen.add(r);
  while (stack.length > 0) visit(defs[stack.pop()!]);
  return seen;
}

/** The Go-ish short type name of a definition: io.k8s.api.core.v1.Container -> v1.Container. */
export function shortTypeName(definition: string): string {
  const parts = definition.split('.');
  return parts.slice(-2).join('.');
}
