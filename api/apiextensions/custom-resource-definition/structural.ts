// Structural-schema checks on a CRD version's openAPIV3Schema, as upstream requires of
// apiextensions.k8s.io/v1: every node typed (unless preserve-unknown-fields or
// int-or-string), no $ref, no additionalProperties beside properties, metadata restricted
// to name and generateName, list-type/map-key rules, defaults that validate, CEL that compiles.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { compileRule } from '../schema/cel.ts';
import { estimateRuleCost, RULE_COST_LIMIT } from '../schema/cel-cost.ts';
import type { JSONSchemaProps } from '../schema/types.ts';
import { validateValue } from '../schema/validate.ts';

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

interface Walk {
  errs: FieldError[];
}

function node(s: JSONSchemaProps, path: string, w: Walk, opts: { root: boolean; inCombinator: boolean; specified: boolean }): void {
  const { errs } = w;
  if (s.$ref !== undefined) errs.push(fieldError.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.uniqueItems === true) errs.push(fieldError.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties === false) errs.push(fieldError.forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  if (s.additionalProperties !== undefined && s.properties !== undefined) {
    errs.push(fieldError.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (!opts.inCombinator) {
    const intOrString = !!s['x-kubernetes-int-or-string'];
    const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
    if (!s.type && !intOrString && !preserve) {
      errs.push(fieldError.required(`${path}.type`, opts.root ? 'must not be empty at the root' : 'must not be empty for specified object fields'));
    }
    if (opts.root && s.type && s.type !== 'object') errs.push(fieldError.invalid(`${path}.type`, s.type, 'must be object at the root'));
    if (s.type && !TYPES.includes(s.type)) errs.push(fieldError.notSupported(`${path}.type`, s.type, TYPES));
    if (s['x-kubernetes-embedded-resource'] && s.type !== 'object') {
      errs.push(fieldError.invalid(`${path}.type`, s.type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
    }
    if (intOrString && s.type) errs.push(fieldError.invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
    if (s.type === 'array' && !s.items) errs.push(fieldError.required(`${path}.items`, 'must be specified'));
  } else {
    if (s.type) errs.push(fieldError.forbidden(`${path}.type`, 'must be empty to be structural'));
    if (s.default !== undefined) errs.push(fieldError.forbidden(`${path}.default`, 'must be undefined to be structural'));
    if (s.properties && !opts.specified) errs.push(fieldError.forbidden(`${path}.properties`, 'must only have "properties", "required" or "description" at the root if the value validation specifies them'));
  }
  const lt = s['x-kubernetes-list-type'];
  if (lt !== undefined && s.type !== 'array') errs.push(fieldError.invalid(`${path}.x-kubernetes-list-type`, lt, 'must only be used if type is array'));
  if (lt !== undefined && !['atomic', 'set', 'map'].includes(lt)) errs.push(fieldError.notSupported(`${path}.x-kubernetes-list-type`, lt, ['atomic', 'set', 'map']));
  if (lt === 'map' && !s['x-kubernetes-list-map-keys']?.length) errs.push(fieldError.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  if (s['x-kubernetes-list-map-keys'] && lt !== 'map') errs.push(fieldError.forbidden(`${path}.x-kubernetes-list-map-keys`, 'must be empty if x-kubernetes-list-type is not map'));
  if (lt === 'map' && s.items && !Array.isArray(s.items)) {
    const items = s.items;
    if (items.type !== 'object') errs.push(fieldError.invalid(`${path}.items.type`, items.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
    for (const k of s['x-kubernetes-list-map-keys'] ?? []) {
      if (!items.properties?.[k]) errs.push(fieldError.invalid(`${path}.x-kubernetes-list-map-keys`, s['x-kubernetes-list-map-keys'], `entries must all be names of item properties`));
    }
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      errs.push(fieldError.invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
    }
  }
  if (s.default !== undefined && !opts.inCombinator) {
    const defErrs = validateValue({ ...s, default: undefined }, s.default, `${path}.default`);
    errs.push(...defErrs);
  }
  s['x-kubernetes-validations']?.forEach((r, i) => {
    const rp = `${path}.x-kubernetes-validations[${i}]`;
    const p = compileRule(r.rule);
    if (p instanceof Error) errs.push(fieldError.invalid(`${rp}.rule`, r.rule, `compilation failed: ${p.message}`));
    else {
      const cost = estimateRuleCost(r.rule, s);
      if (cost > RULE_COST_LIMIT) {
        errs.push(fieldError.forbidden(`${rp}.rule`, `estimated rule cost exceeds budget by factor of ${(cost / RULE_COST_LIMIT).toFixed(1)}x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`));
      }
    }
    if (r.messageExpression !== undefined) {
      const m = compileRule(r.messageExpression);
      if (m instanceof Error) errs.push(fieldError.invalid(`${rp}.messageExpression`, r.messageExpression, `messageExpression compilation failed: ${m.message}`));
    }
    if (r.message !== undefined && r.message.trim() === '') errs.push(fieldError.required(`${rp}.message`, 'message must be non-empty if specified'));
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const cp = `${path}.properties[${k}]`;
    if (opts.root && k === 'metadata' && !opts.inCombinator) {
      const extra = Object.keys(p.properties ?? {}).filter((n) => n !== 'name' && n !== 'generateName');
      if (extra.length || p.type !== 'object' && p.type !== undefined) {
        errs.push(fieldError.forbidden(cp, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
      }
      continue;
    }
    node(p, cp, w, { root: false, inCombinator: opts.inCombinator, specified: !!s.properties?.[k] });
  }
  if (typeof s.additionalProperties === 'object') node(s.additionalProperties, `${path}.additionalProperties`, w, { ...opts, root: false });
  if (s.items && !Array.isArray(s.items)) node(s.items, `${path}.items`, w, { ...opts, root: false });
  else if (Array.isArray(s.items)) errs.push(fieldError.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  for (const c of ['allOf', 'anyOf', 'oneOf'] as const) {
    s[c]?.forEach((sub, i) => node(sub, `${path}.${c}[${i}]`, w, { root: false, inCombinator: true, specified: !!s.properties }));
  }
  if (s.not) node(s.not, `${path}.not`, w, { root: false, inCombinator: true, specified: !!s.properties });
}

/** Errors of a version's schema at `path` (spec.versions[i].schema.openAPIV3Schema). */
export function validateStructural(s: JSONSchemaProps, path: string): FieldError[] {
  const w: Walk = { errs: [] };
  node(s, path, w, { root: true, inCombinator: false, specified: true });
  return w.errs;
}
