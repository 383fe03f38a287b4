// Validates a custom resource's value against its structural schema, with upstream's
// errors: field paths as `spec.items[0].name`, messages as kube-openapi words them
// ("spec.replicas in body must be of type integer: \"string\"").

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

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const child = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Key of a list-map item: its map keys' values, for duplicate detection. */
function mapKey(item: unknown, keys: string[]): string {
  const o = (item ?? {}) as Record<string, unknown>;
  return JSON.stringify(keys.map((k) => o[k] ?? null));
}

export function validateValue(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[] = []): FieldError[] {
  if (v === null) {
    if (s.nullable || s['x-kubernetes-preserve-unknown-fields'] && !s.type) return errs;
    if (s.type) errs.push(fieldError.typeInvalid(path, 'null', `${path} in body must be of type ${s.type}: "null"`));
    return errs;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      errs.push(fieldError.typeInvalid(path, jsonType(v), `${path} in body must be of type integer,string: "${jsonType(v)}"`));
      return errs;
    }
  } else if (s.type && !typeOk(s.type, v)) {
    errs.push(fieldError.typeInvalid(path, jsonType(v), `${path} in body must be of type ${s.type}: "${jsonType(v)}"`));
    return errs;
  }
  const before = errs.length;
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push(fieldError.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'number') numberChecks(s, v, path, errs);
  if (typeof v === 'string') stringChecks(s, v, path, errs);
  if (Array.isArray(v)) arrayChecks(s, v, path, errs);
  else if (typeof v === 'object') objectChecks(s, v as Record<string, unknown>, path, errs);
  if (errs.length === before) combinators(s, v, path, errs);
  return errs;
}

function numberChecks(s: JSONSchemaProps, v: number, path: string, errs: FieldError[]): void {
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      errs.push(fieldError.invalid(path, v, `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      errs.push(fieldError.invalid(path, v, `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
    errs.push(fieldError.invalid(path, v, `${path} in body should be a multiple of ${s.multipleOf}`));
  }
  if (s.format === 'int32' && (v > 2147483647 || v < -2147483648)) {
    errs.push(fieldError.invalid(path, v, `${path} in body must be of type int32: "${v}"`));
  }
}

const patterns = new Map<string, RegExp | null>();
function regex(p: string): RegExp | null {
  let r = patterns.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(p, 'u');
    } catch {
      r = null;
    }
    patterns.set(p, r);
  }
  return r;
}

function stringChecks(s: JSONSchemaProps, v: string, path: string, errs: FieldError[]): void {
  const len = [...v].length;
  if (s.maxLength !== undefined && len > s.maxLength) errs.push(fieldError.tooLong(path, s.maxLength));
  if (s.minLength !== undefined && len < s.minLength) {
    errs.push(fieldError.invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined && !regex(s.pattern)?.test(v)) {
    errs.push(fieldError.invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  const check = s.format ? FORMATS[s.format] : undefined;
  if (check && !check(v)) errs.push(fieldError.invalid(path, v, `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function arrayChecks(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) {
    errs.push({ type: 'FieldValueTooMany', field: path, detail: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
  }
  if (s.minItems !== undefined && v.length < s.minItems) {
    errs.push(fieldError.invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
  }
  const items = Array.isArray(s.items) ? undefined : s.items;
  if (items) v.forEach((item, i) => validateValue(items, item, `${path}[${i}]`, errs));
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'set' || lt === 'map') {
    const seen = new Set<string>();
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    v.forEach((item, i) => {
      const k = lt === 'set' ? JSON.stringify(item) : mapKey(item, keys);
      if (seen.has(k)) {
        const shown = lt === 'set' ? item : Object.fromEntries(keys.map((key) => [key, (item as Record<string, unknown>)?.[key]]));
        errs.push(fieldError.duplicate(`${path}[${i}]`, shown));
      }
      seen.add(k);
    });
  }
}

function objectChecks(s: JSONSchemaProps, v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const n = Object.keys(v).length;
  if (s.maxProperties !== undefined && n > s.maxProperties) {
    errs.push({ type: 'FieldValueTooMany', field: path, detail: `Too many: ${n}: must have at most ${s.maxProperties} items` });
  }
  if (s.minProperties !== undefined && n < s.minProperties) {
    errs.push(fieldError.invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`));
  }
  for (const r of s.required ?? []) if (v[r] === undefined) errs.push(fieldError.required(child(path, r), ''));
  if (s['x-kubernetes-embedded-resource']) {
    if (!v.apiVersion) errs.push(fieldError.required(child(path, 'apiVersion'), 'must not be empty'));
    if (!v.kind) errs.push(fieldError.required(child(path, 'kind'), 'must not be empty'));
  }
  for (const [k, val] of Object.entries(v)) {
    const p = s.properties?.[k];
    if (p) validateValue(p, val, child(path, k), errs);
    else if (typeof s.additionalProperties === 'object') validateValue(s.additionalProperties, val, child(path, k), errs);
  }
}

/** allOf / anyOf / oneOf / not: value validation only (structural schemas forbid types there). */
function combinators(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  for (const sub of s.allOf ?? []) validateValue(sub, v, path, errs);
  if (s.anyOf?.length && !s.anyOf.some((sub) => validateValue(sub, v, path).length === 0)) {
    errs.push(fieldError.invalid(path, v, `${path} in body must be valid against one of the anyOf schemas`));
  }
  if (s.oneOf?.length && s.oneOf.filter((sub) => validateValue(sub, v, path).length === 0).length !== 1) {
    errs.push(fieldError.invalid(path, v, `${path} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && validateValue(s.not, v, path).length === 0) {
    errs.push(fieldError.invalid(path, v, `${path} in body must not validate the schema (not)`));
  }
}
