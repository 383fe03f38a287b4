// What every pod-owning workload shares: template defaulting and validation, selector checks,
// intstr percentages, and the strategy shape (status cleared on create, the fields that bump
// generation, status-write checks; the engine keeps status and spec apart).

import { fieldError, type FieldError } from '../meta/errors.ts';
import { labelSelectorFromObject, validateLabelSelector, type LabelSelector, type Selector } from '../meta/labels.ts';
import {
  goStringMap,
  semanticEqual,
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameRule,
} from '../meta/validation.ts';
import { defaultPodSpec } from '../core/pod/defaults.ts';
import type { PodTemplateSpec } from '../core/pod/types.ts';
import { validatePodSpec } from '../core/pod/validation.ts';
import type { KubeObject, ObjectMeta, Strategy, StrategyContext } from '../types.ts';

export interface Workload {
  metadata?: ObjectMeta;
  spec?: { selector?: LabelSelector; template?: PodTemplateSpec; replicas?: number; [k: string]: unknown };
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export function defaultPodTemplate(t: PodTemplateSpec | undefined): void {
  if (!t) return;
  t.spec ??= {};
  defaultPodSpec(t.spec);
}

/** Go's %#v of a metav1.LabelSelector, as upstream's immutability messages print it. */
export function goLabelSelector(s: LabelSelector | undefined): string {
  if (!s) return '(*v1.LabelSelector)(nil)';
  const exprs = s.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

export function validateSelectorImmutable(next: LabelSelector | undefined, prev: LabelSelector | undefined, field = 'spec.selector'): FieldError[] {
  if (semanticEqual(next, prev)) return [];
  return [{ type: 'FieldValueInvalid', field, detail: `Invalid value: ${goLabelSelector(next)}: field is immutable` }];
}

/** A required, non-empty selector; returns the parsed selector when usable. */
export function validateWorkloadSelector(sel: LabelSelector | undefined, what: string, field = 'spec.selector'): { errs: FieldError[]; selector?: Selector } {
  if (!sel) return { errs: [fieldError.required(field)] };
  const errs = validateLabelSelector(sel, field);
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
    errs.push({ type: 'FieldValueInvalid', field, detail: `Invalid value: ${goLabelSelector(sel)}: empty selector is invalid for ${what}` });
  }
  if (errs.length > 0) return { errs };
  try {
    return { errs, selector: labelSelectorFromObject(sel) };
  } catch {
    return { errs };
  }
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/** Template present, labels and annotations valid and matched by the selector, pod spec valid. */
export function validatePodTemplate(
  t: PodTemplateSpec | undefined,
  field: string,
  selector: Selector | undefined,
  restartPolicies: string[],
): FieldError[] {
  if (!t) return [fieldError.required(field)];
  const errs: FieldError[] = [];
  const labels = t.metadata?.labels;
  if (selector && !selector.empty && !selector.matches(labels ?? {})) {
    errs.push({ type: 'FieldValueInvalid', field: `${field}.metadata.labels`, detail: `Invalid value: ${goStringMap(labels)}: ${SELECTOR_MISMATCH}` });
  }
  errs.push(...validateLabels(labels, `${field}.metadata.labels`));
  errs.push(...validateAnnotations(t.metadata?.annotations, `${field}.metadata.annotations`));
  errs.push(...validatePodSpec(t.spec, `${field}.spec`, { restartPolicies }));
  return errs;
}

const PERCENT_ERROR =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** An int-or-percent (maxSurge, maxUnavailable, minAvailable): non-negative, percent <= 100 when capped. */
export function validateIntOrPercent(v: unknown, field: string, capAt100 = false): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? [] : [fieldError.invalid(field, v, 'must be greater than or equal to 0')];
  if (typeof v !== 'string' || !/^[0-9]+%$/.test(v)) return [fieldError.invalid(field, v, PERCENT_ERROR)];
  if (capAt100 && Number(v.slice(0, -1)) > 100) return [fieldError.invalid(field, v, 'must not be greater than 100%')];
  return [];
}

/** Zero, whether given as 0 or "0%". */
export const isZeroIntOrPercent = (v: unknown) => v === 0 || v === '0%' || v === undefined;

export interface WorkloadStrategyOptions<T extends Workload> {
  defaults(obj: T): void;
  validate(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Deployments also bump generation on annotation changes (rollback requests). */
  bumpOnAnnotations?: boolean;
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  /** The status a new object starts with: the fields upstream's JSON always carries, zeros included. */
  initialStatus?(): Record<string, unknown>;
  /** Checks of a status write (counts not negative, not above what they are part of). */
  validateStatus?(obj: T): FieldError[];
}

export function workloadStrategy<T extends Workload>(o: WorkloadStrategyOptions<T>): Strategy {
  const as = (x: KubeObject) => x as unknown as T;
  return {
    prepareForCreate(obj, ctx) {
      const w = as(obj);
      o.defaults(w);
      w.status = o.initialStatus?.() ?? {};
      o.prepareForCreate?.(w, ctx);
    },
    validate: (obj) => o.validate(as(obj)),
    prepareForUpdate(obj) {
      o.defaults(as(obj));
    },
    generationFields: o.bumpOnAnnotations ? ['spec', 'metadata.annotations'] : ['spec'],
    validateUpdate: (obj, old) => {
      const w = as(obj);
      const prev = as(old);
      const errs = validateObjectMetaUpdate(w.metadata, prev.metadata);
      const forCreate = o.validate(w).filter((e) => !e.field.startsWith('metadata.'));
      return [...errs, ...forCreate, ...(o.validateUpdate?.(w, prev) ?? [])];
    },
    validateStatusUpdate: (obj) => o.validateStatus?.(as(obj)) ?? [],
  };
}

/** Object meta plus selector and template: the part every workload validates alike. */
export function validateWorkloadBase(w: Workload, what: string, restartPolicies: string[], nameRule: NameRule = 'subdomain', namespaced = true): FieldError[] {
  const errs = validateObjectMeta(w.metadata, namespaced, nameRule);
  const spec = w.spec ?? {};
  const { errs: selErrs, selector } = validateWorkloadSelector(spec.selector, what);
  errs.push(...selErrs);
  errs.push(...validatePodTemplate(spec.template, 'spec.template', selector, restartPolicies));
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined && !restartPolicies.includes('Never')) {
    errs.push(fieldError.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${what} is not Supported`));
  }
  return errs;
}
