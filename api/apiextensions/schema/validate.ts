// Validates a custom resource's value against its structural schema, with upstream's
// errors: field paths as `spec.items[0].name`, messages as kube-openapi words them
// ("spec.replicas in body must be of type integer: \"string\"").
//
// Each schema node is compiled once into a check (kept beside the node, as upstream keeps a
// CRD version's validator): what the node asks is worked out once, not on every value of
// every request. A check walks the value with its field path as a stack of segments, made a
// string only for an error: a valid object allocates nothing but the walk itself.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { FORMATS } from './formats.ts';
import type { JSONSchemaProps } from './types.ts';

/** The JSON type name of a value, as the errors say it. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const TYPE_OK: Record<string, (v: unknown) => boolean> = {
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  string: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
};

/** The field path of the value under check: a root path and the segments below it. */
export class PathStack {
  readonly segments: (string | number)[] = [];
  constructor(readonly root: string) {}
  /** `spec.ports[3].name`: names joined by dots, indexes in brackets. */
  toString(): string {
    let s = this.root;
    for (const seg of this.segments) s = typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg;
    return s;
  }
}

type Check = (v: unknown, path: PathStack, errs: FieldError[]) => void;

const child = (path: string, name: string) => (path ? `${path}.${name}` : name);

const compiled = new WeakMap<JSONSchemaProps, Check>();

/** The node's check, compiled on first use. */
function checkOf(s: JSONSchemaProps): Check {
  let c = compiled.get(s);
  if (!c) compiled.set(s, (c = compile(s)));
  return c;
}

export function validateValue(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[] = []): FieldError[] {
  checkOf(s)(v, new PathStack(path), errs);
  return errs;
}

function compile(s: JSONSchemaProps): Check {
  const allowNull = !!s.nullable || (!!s['x-kubernetes-preserve-unknown-fields'] && !s.type);
  const intOrString = !!s['x-kubernetes-int-or-string'];
  const typeOk = s.type ? TYPE_OK[s.type] : undefined;
  const enumOk = s.enum ? enumCheck(s.enum) : undefined;
  const number = numberChecks(s);
  const string = stringChecks(s);
  const array = arrayChecks(s);
  const object = objectChecks(s);
  const combined = s.allOf?.length || s.anyOf?.length || s.oneOf?.length || s.not ? combinators(s) : undefined;
  return (v, path, errs) => {
    if (v === null) {
      if (allowNull) return;
      if (s.type) errs.push(fieldError.typeInvalid(String(path), 'null', `${path} in body must be of type ${s.type}: "null"`));
      return;
    }
    if (intOrString) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        errs.push(fieldError.typeInvalid(String(path), jsonType(v), `${path} in body must be of type integer,string: "${jsonType(v)}"`));
        return;
      }
    } else if (typeOk && !typeOk(v)) {
      errs.push(fieldError.typeInvalid(String(path), jsonType(v), `${path} in body must be of type ${s.type}: "${jsonType(v)}"`));
      return;
    }
    const before = errs.length;
    if (enumOk && !enumOk(v)) {
      errs.push(fieldError.notSupported(String(path), v, s.enum!.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
    }
    if (typeof v === 'number') number?.(v, path, errs);
    else if (typeof v === 'string') string?.(v, path, errs);
    else if (Array.isArray(v)) array?.(v, path, errs);
    else if (typeof v === 'object') object?.(v as Record<string, unknown>, path, errs);
    if (combined && errs.length === before) combined(v, path, errs);
  };
}

/** Enum membership by JSON equality: scalars by value, objects and lists by their JSON. */
function enumCheck(values: unknown[]): (v: unknown) => boolean {
  const scalars = new Set(values.filter((e) => e === null || typeof e !== 'object'));
  const json = new Set(values.map((e) => JSON.stringify(e)));
  return (v) => (typeof v === 'object' ? json.has(JSON.stringify(v)) : scalars.has(v));
}

function numberChecks(s: JSONSchemaProps): ((v: number, path: PathStack, errs: FieldError[]) => void) | undefined {
  if (s.maximum === undefined && s.minimum === undefined && s.multipleOf === undefined && s.format !== 'int32') return undefined;
  return (v, path, errs) => {
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body should be a multiple of ${s.multipleOf}`));
    }
    if (s.format === 'int32' && (v > 2147483647 || v < -2147483648)) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body must be of type int32: "${v}"`));
    }
  };
}

function regex(p: string): RegExp | null {
  try {
    return new RegExp(p, 'u');
  } catch {
    return null;
  }
}

function stringChecks(s: JSONSchemaProps): ((v: string, path: PathStack, errs: FieldError[]) => void) | undefined {
  const format = s.format ? FORMATS[s.format] : undefined;
  const pattern = s.pattern !== undefined ? regex(s.pattern) : undefined;
  const counted = s.maxLength !== undefined || s.minLength !== undefined;
  if (!counted && s.pattern === undefined && !format) return undefined;
  return (v, path, errs) => {
    // Lengths count characters (code points), as upstream's do.
    const len = counted ? [...v].length : 0;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push(fieldError.tooLong(String(path), s.maxLength));
    if (s.minLength !== undefined && len < s.minLength) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body should be at least ${s.minLength} chars long`));
    }
    if (s.pattern !== undefined && !pattern?.test(v)) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body should match '${s.pattern}'`));
    }
    if (format && !format(v)) errs.push(fieldError.invalid(String(path), v, `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  };
}

/** The text of an item's identity in a set or list-map, for duplicate detection (JSON of its keys). */
function identityOf(listType: 'set' | 'map', keys: string[]): (item: unknown) => string {
  if (listType === 'set') return (item) => JSON.stringify(item);
  return (item) => {
    const o = (item ?? {}) as Record<string, unknown>;
    return JSON.stringify(keys.map((k) => o[k] ?? null));
  };
}

function arrayChecks(s: JSONSchemaProps): ((v: unknown[], path: PathStack, errs: FieldError[]) => void) | undefined {
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  const lt = s['x-kubernetes-list-type'];
  const unique = lt === 'set' || lt === 'map';
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const identity = unique ? identityOf(lt, keys) : undefined;
  // A scalar string identity (a set of strings, a list-map with one string key) is its own text:
  // strings are told from every other identity by keeping them apart.
  const single = lt === 'map' && keys.length === 1 ? keys[0]! : undefined;
  if (s.maxItems === undefined && s.minItems === undefined && !items && !unique) return undefined;
  return (v, path, errs) => {
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      errs.push({ type: 'FieldValueTooMany', field: String(path), detail: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    }
    if (s.minItems !== undefined && v.length < s.minItems) {
      errs.push(fieldError.invalid(String(path), v.length, `${path} in body should have at least ${s.minItems} items`));
    }
    if (items) {
      const check = checkOf(items);
      const segs = path.segments;
      for (let i = 0; i < v.length; i++) {
        segs.push(i);
        check(v[i], path, errs);
        segs.pop();
      }
    }
    if (!identity) return;
    const strings = new Set<string>();
    const others = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      let str: unknown = lt === 'set' ? item : undefined;
      if (single !== undefined && item !== null && typeof item === 'object' && !Array.isArray(item)) str = (item as Record<string, unknown>)[single];
      const seen = typeof str === 'string' ? strings : others;
      const k = typeof str === 'string' ? str : identity(item);
      if (seen.has(k)) {
        const shown = lt === 'set' ? item : Object.fromEntries(keys.map((key) => [key, (item as Record<string, unknown>)?.[key]]));
        errs.push(fieldError.duplicate(`${path}[${i}]`, shown));
      }
      seen.add(k);
    }
  };
}

function objectChecks(s: JSONSchemaProps): ((v: Record<string, unknown>, path: PathStack, errs: FieldError[]) => void) | undefined {
  const props = new Map(Object.entries(s.properties ?? {}));
  const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const required = s.required ?? [];
  const embedded = !!s['x-kubernetes-embedded-resource'];
  const counted = s.maxProperties !== undefined || s.minProperties !== undefined;
  if (!props.size && !ap && !required.length && !embedded && !counted) return undefined;
  return (v, path, errs) => {
    if (counted) {
      const n = Object.keys(v).length;
      if (s.maxProperties !== undefined && n > s.maxProperties) {
        errs.push({ type: 'FieldValueTooMany', field: String(path), detail: `Too many: ${n}: must have at most ${s.maxProperties} items` });
      }
      if (s.minProperties !== undefined && n < s.minProperties) {
        errs.push(fieldError.invalid(String(path), n, `${path} in body should have at least ${s.minProperties} properties`));
      }
    }
    for (const r of required) if (v[r] === undefined) errs.push(fieldError.required(child(String(path), r), ''));
    if (embedded) {
      if (!v.apiVersion) errs.push(fieldError.required(child(String(path), 'apiVersion'), 'must not be empty'));
      if (!v.kind) errs.push(fieldError.required(child(String(path), 'kind'), 'must not be empty'));
    }
    const segs = path.segments;
    for (const k of Object.keys(v)) {
      const p = props.get(k) ?? ap;
      if (!p) continue;
      segs.push(k);
      checkOf(p)(v[k], path, errs);
      segs.pop();
    }
  };
}

/** allOf / anyOf / oneOf / not: value validation only (structural schemas forbid types there). */
function combinators(s: JSONSchemaProps): Check {
  const passes = (sub: JSONSchemaProps, v: unknown, path: PathStack) => {
    const errs: FieldError[] = [];
    checkOf(sub)(v, path, errs);
    return errs.length === 0;
  };
  return (v, path, errs) => {
    for (const sub of s.allOf ?? []) checkOf(sub)(v, path, errs);
    if (s.anyOf?.length && !s.anyOf.some((sub) => passes(sub, v, path))) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body must be valid against one of the anyOf schemas`));
    }
    if (s.oneOf?.length && s.oneOf.filter((sub) => passes(sub, v, path)).length !== 1) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body must validate one and only one schema (oneOf)`));
    }
    if (s.not && passes(s.not, v, path)) {
      errs.push(fieldError.invalid(String(path), v, `${path} in body must not validate the schema (not)`));
    }
  };
}
