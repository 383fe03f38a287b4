// A request body's kind and apiVersion, read as upstream's decoder reads them: what the body
// leaves out is taken from the endpoint it was sent to (client libraries' generated models omit
// both), and what disagrees is refused with upstream's words. Built-in kinds decode through
// upstream's scheme, which knows every built-in kind; custom resources decode as unstructured
// objects, which must name their kind.

import type { KubeObject } from '../../api/types.ts';
import { builtinResources } from '../../api/registry.ts';
import { badRequest, fieldError, invalid } from '../../api/meta/errors.ts';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Where upstream's built-in scheme lives; its name appears in "no kind is registered" errors. */
const SCHEME = 'pkg/api/legacyscheme/scheme.go:30';

const gvkKey = (g: string, v: string, k: string): string => `${g}/${v}/${k}`;

/** Every group/version/kind the built-in scheme decodes: resources and subresource kinds. */
const BUILTIN_KINDS = new Set<string>();
/** group/version/plural of the built-in resources (anything else is a custom resource). */
const BUILTIN_RESOURCES = new Set<string>();
for (const rt of builtinResources) {
  BUILTIN_KINDS.add(gvkKey(rt.group, rt.version, rt.kind));
  BUILTIN_RESOURCES.add(gvkKey(rt.group, rt.version, rt.plural));
  for (const s of rt.subresources ?? []) BUILTIN_KINDS.add(gvkKey(s.group ?? rt.group, s.version ?? rt.version, s.kind));
}
BUILTIN_KINDS.add(gvkKey('policy', 'v1beta1', 'Eviction'));

export function isBuiltinResource(group: string, version: string, plural: string): boolean {
  return BUILTIN_RESOURCES.has(gvkKey(group, version, plural));
}

const gvString = (g: string, v: string): string => (g ? `${g}/${v}` : v);

/** upstream's internal package of a group (core for the legacy group, else its first label). */
const internalPackage = (group: string): string => (group ? group.split('.')[0] : 'core');

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  throw badRequest(`couldn't get version/kind; json parse error: unexpected GroupVersion string: ${apiVersion}`);
}

function stringField(obj: KubeObject, field: 'kind' | 'apiVersion'): string {
  const v = (obj as Record<string, unknown>)[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    const type = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
    throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${type} into Go struct field .${field} of type string`);
  }
  return v;
}

export interface TypeMetaOptions {
  /** A custom resource: decoded as unstructured, so the kind is required. */
  custom?: boolean;
  /** Other group/versions the endpoint accepts besides the expected one (pods/eviction: policy/v1beta1). */
  accepts?: string[];
}

/**
 * Fills a missing kind and apiVersion from `want` (in place) and refuses a body naming another
 * kind or group/version, as upstream's create and update handlers do.
 */
export function defaultTypeMeta(obj: KubeObject, want: GroupVersionKind, opts: TypeMetaOptions = {}): void {
  let kind = stringField(obj, 'kind');
  let { group, version } = parseApiVersion(stringField(obj, 'apiVersion'));
  const wantGv = gvString(want.group, want.version);
  if (opts.custom && kind === '') throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  // Upstream's defaulting of a decoded kind: an empty kind, and an empty group/version (or an
  // empty version in the expected group), come from the endpoint.
  if (kind === '') kind = want.kind;
  if (version === '' && (group === '' || group === want.group)) {
    group = want.group;
    version = want.version;
  }
  const gv = gvString(group, version);
  if (opts.custom) {
    if (gv !== wantGv) throw badRequest(`the API version in the data (${gv}) does not match the expected API version (${wantGv})`);
    if (kind !== want.kind) {
      throw invalid(kind, want.group, obj.metadata?.name ?? '', [fieldError.invalid('kind', kind, `must be ${want.kind}`)]);
    }
  } else {
    if (!BUILTIN_KINDS.has(gvkKey(group, version, kind))) {
      throw badRequest(`${kind} in version "${version}" cannot be handled as a ${want.kind}: no kind "${kind}" is registered for version "${gv}" in scheme "${SCHEME}"`);
    }
    if (kind !== want.kind) {
      throw badRequest(`${kind} in version "${version}" cannot be handled as a ${want.kind}: converting (${version}.${kind}) to (${internalPackage(want.group)}.${want.kind}): unknown conversion`);
    }
    if (gv !== wantGv && !(opts.accepts ?? []).includes(gv)) {
      throw badRequest(`the API version in the data (${gv}) does not match the expected API version (${wantGv})`);
    }
  }
  obj.kind = kind;
  obj.apiVersion = gv;
}
