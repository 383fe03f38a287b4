// HorizontalPodAutoscaler (autoscaling/v2) strategy: minReplicas 1, CPU 80% when no metrics
// are given, behavior defaults when behavior is given; replica bounds and target checked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface Rules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: Array<{ type?: string; value?: number; periodSeconds?: number }>;
}
interface HPASpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: Array<{ type?: string; [k: string]: unknown }>;
  behavior?: { scaleUp?: Rules; scaleDown?: Rules };
}
type HPA = KubeObject & { spec?: HPASpec };

function defaultRules(r: Rules | undefined, up: boolean): Rules {
  const out = r ?? {};
  out.stabilizationWindowSeconds ??= up ? 0 : 300;
  out.selectPolicy ??= 'Max';
  out.policies ??= up
    ? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]
    : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return out;
}

export function defaultHPA(hpa: HPA): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = defaultRules(spec.behavior.scaleUp, true);
    spec.behavior.scaleDown = defaultRules(spec.behavior.scaleDown, false);
  }
}

export function validateHPA(hpa: HPA): FieldError[] {
  const spec = hpa.spec ?? {};
  const errs: FieldError[] = [];
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) errs.push(fieldError.required('spec.scaleTargetRef.kind'));
  if (!ref.name) errs.push(fieldError.required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas ?? 1;
  if (min < 0) errs.push(fieldError.invalid('spec.minReplicas', min, 'must be greater than or equal to 0'));
  if (spec.maxReplicas === undefined || spec.maxReplicas < 1) errs.push(fieldError.invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  else if (spec.maxReplicas < min) errs.push(fieldError.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  (spec.metrics ?? []).forEach((m, i) => {
    errs.push(...validateEnum(m.type, ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'], `spec.metrics[${i}].type`, true));
  });
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const r = spec.behavior?.[dir];
    if (!r) continue;
    errs.push(...validateEnum(r.selectPolicy, ['Disabled', 'Max', 'Min'], `spec.behavior.${dir}.selectPolicy`));
    (r.policies ?? []).forEach((p, i) => {
      const f = `spec.behavior.${dir}.policies[${i}]`;
      errs.push(...validateEnum(p.type, ['Percent', 'Pods'], `${f}.type`, true));
      if ((p.value ?? 0) <= 0) errs.push(fieldError.invalid(`${f}.value`, p.value ?? 0, 'must be greater than zero'));
      if ((p.periodSeconds ?? 0) <= 0 || (p.periodSeconds ?? 0) > 1800) {
        errs.push(fieldError.invalid(`${f}.periodSeconds`, p.periodSeconds ?? 0, 'must be greater than zero and less than or equal to 1800'));
      }
    });
  }
  return errs;
}

export const horizontalPodAutoscalerStrategy = simpleStrategy<HPA>({
  namespaced: true,
  defaults: defaultHPA,
  initialStatus: () => ({ currentReplicas: 0, desiredReplicas: 0 }),
  validate: validateHPA,
});
