// x-kubernetes-validations: CEL rules on schema nodes, run through @bufbuild/cel with the
// Kubernetes extension functions it lacks (lists, regex, quantity-free subset). `self` is the
// node's value, `oldSelf` the same node of the stored object on update (transition rules run
// only when it exists, unless optionalOldSelf). Errors name the node's field path as upstream.

import { celEnv, CelScalar, isCelError, parse, plan, type CelEnv, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { fieldError, type FieldError } from '../../meta/errors.ts';
import { KUBERNETES_CEL_FUNCS } from './cel-library.ts';
import { jsonType } from './validate.ts';
import type { JSONSchemaProps, ValidationRule } from './types.ts';

type Program = (vars: Record<string, unknown>) => unknown;

/** The CRD rules' variables; admission expressions (api/admissionregistration/cel.ts) bring their own. */
const RULE_VARIABLES = ['self', 'oldSelf'] as const;

const envs = new Map<string, CelEnv>();
/**
 * The environment with these variables (all dyn), cel-es' string extensions and Kubernetes'
 * library, plus `extra` functions (admission's authorizer); one per set of variables.
 */
function celEnvironment(names: readonly string[], extra: readonly CelFunc[]): CelEnv {
  const key = names.join(',');
  let env = envs.get(key);
  if (!env) {
    env = celEnv({ variables: Object.fromEntries(names.map((n) => [n, CelScalar.DYN])), funcs: [...strings, ...KUBERNETES_CEL_FUNCS, ...extra] });
    envs.set(key, env);
  }
  return env;
}

const programs = new Map<string, Program | Error>();

/** The planned program of an expression over `variables`, or the parse error. Cached by text. */
export function compileRule(expr: string, variables: readonly string[] = RULE_VARIABLES, extra: readonly CelFunc[] = []): Program | Error {
  const key = `${variables.join(',')}\0${expr}`;
  let p = programs.get(key);
  if (p === undefined) {
    try {
      p = plan(celEnvironment(variables, extra), parse(expr)) as unknown as Program;
    } catch (e) {
      p = e instanceof Error ? e : new Error(String(e));
    }
    programs.set(key, p);
  }
  return p;
}

export function usesOldSelf(expr: string): boolean {
  return /\boldSelf\b/.test(expr);
}

/** A JSON value as CEL sees it under this schema: integers as int, objects as maps. */
export function toCel(s: JSONSchemaProps | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    const asInt = s?.type === 'integer' || s?.['x-kubernetes-int-or-string'] || (!s?.type && Number.isInteger(v));
    return asInt && Number.isInteger(v) ? BigInt(v) : v;
  }
  if (Array.isArray(v)) {
    const items = s && !Array.isArray(s.items) ? s.items : undefined;
    return v.map((x) => toCel(items, x));
  }
  if (typeof v === 'object') {
    const m = new Map<string, unknown>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const p = s?.properties?.[k] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
      m.set(k, toCel(p, x));
    }
    return m;
  }
  return v;
}

function ruleError(rule: ValidationRule, path: string, value: unknown, message: string): FieldError {
  const field = rule.fieldPath ? `${path}${rule.fieldPath.startsWith('[') ? '' : rule.fieldPath.startsWith('.') ? '' : '.'}${rule.fieldPath}` : path;
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fieldError.forbidden(field, message);
    case 'FieldValueRequired':
      return fieldError.required(field, message);
    case 'FieldValueDuplicate':
      return { type: 'FieldValueDuplicate', field, detail: `Duplicate value: ${JSON.stringify(message)}` };
    default:
      return fieldError.invalid(field, jsonType(value), message);
  }
}

function messageOf(rule: ValidationRule, vars: { self: unknown; oldSelf: unknown }): string {
  if (rule.messageExpression) {
    const p = compileRule(rule.messageExpression);
    if (!(p instanceof Error)) {
      const r = p(vars);
      if (typeof r === 'string' && r.trim() !== '' && !r.includes('\n')) return r;
    }
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/** Runs every rule of the schema over `v` (and `old` for transition rules). */
export function validateRules(s: JSONSchemaProps, v: unknown, old: unknown, path: string, errs: FieldError[] = []): FieldError[] {
  if (v === undefined || v === null) return errs;
  const rules = s['x-kubernetes-validations'];
  if (rules?.length) {
    const self = toCel(s, v);
    const oldSelf = old === undefined ? undefined : toCel(s, old);
    for (const rule of rules) {
      const transition = usesOldSelf(rule.rule);
      if (transition && old === undefined && !rule.optionalOldSelf) continue;
      const p = compileRule(rule.rule);
      const vars = { self, oldSelf: oldSelf ?? null };
      if (p instanceof Error) {
        errs.push(fieldError.invalid(path, jsonType(v), `compilation failed: ${p.message}`));
        continue;
      }
      const r = p(vars);
      if (isCelError(r)) errs.push(ruleError({ ...rule, reason: undefined }, path, v, `${r.message} evaluating rule: ${rule.rule}`));
      else if (r !== true) errs.push(ruleError(rule, path, v, messageOf(rule, vars)));
    }
  }
  const child = (k: string) => (path ? `${path}.${k}` : k);
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const oo = old && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
    for (const [k, x] of Object.entries(o)) {
      const p = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (p && hasRules(p)) validateRules(p, x, oo?.[k], child(k), errs);
    }
  } else if (Array.isArray(v) && s.items && !Array.isArray(s.items) && hasRules(s.items)) {
    const items = s.items;
    const keys = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : undefined;
    const oldByKey = new Map<string, unknown>();
    if (keys && Array.isArray(old)) for (const x of old) oldByKey.set(JSON.stringify(keys.map((k) => (x as Record<string, unknown>)?.[k])), x);
    v.forEach((x, i) => {
      const ox = keys ? oldByKey.get(JSON.stringify(keys.map((k) => (x as Record<string, unknown>)?.[k]))) : undefined;
      validateRules(items, x, ox, `${path}[${i}]`, errs);
    });
  }
  return errs;
}

const withRules = new WeakMap<JSONSchemaProps, boolean>();

/** Whether any node carries x-kubernetes-validations (worked out once per node). */
export function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  let has = withRules.get(s);
  if (has === undefined) {
    has =
      !!s['x-kubernetes-validations']?.length ||
      Object.values(s.properties ?? {}).some(hasRules) ||
      (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) ||
      (!Array.isArray(s.items) && hasRules(s.items));
    withRules.set(s, has);
  }
  return has;
}
