// kubectl get hpa: REFERENCE, TARGETS ("cpu: 40%/80%", at most two then "+ N more..."),
// MINPODS, MAXPODS, REPLICAS. autoscaling/v1 objects are read as their v2 equivalent.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, num, objAge, objName, rec, recs, spec, statusOf, str, text, type Rec } from '../../meta/table-format.ts';

function metricText(m: Rec, s: Rec | undefined): string {
  const source = (key: string) => rec(m[key]);
  const current = (key: string) => (s === undefined || s[key] === undefined ? undefined : rec(rec(s[key]).current));
  const valueOr = (v: unknown) => text(v) || '0';
  switch (m.type) {
    case 'External':
    case 'Object': {
      const key = m.type === 'External' ? 'external' : 'object';
      const target = rec(source(key).target);
      const cur = current(key);
      if (target.averageValue !== undefined) {
        const c = cur?.averageValue !== undefined ? valueOr(cur.averageValue) : '<unknown>';
        return `${c}/${valueOr(target.averageValue)} (avg)`;
      }
      return `${cur ? valueOr(cur.value) : '<unknown>'}/${valueOr(target.value)}`;
    }
    case 'Pods': {
      const cur = current('pods');
      return `${cur ? valueOr(cur.averageValue) : '<unknown>'}/${valueOr(rec(source('pods').target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const res = source(key);
      const target = rec(res.target);
      const cur = current(key);
      if (target.averageValue !== undefined) {
        return `${str(res.name)}: ${cur ? valueOr(cur.averageValue) : '<unknown>'}/${valueOr(target.averageValue)}`;
      }
      const c = typeof cur?.averageUtilization === 'number' ? `${cur.averageUtilization}%` : '<unknown>';
      const t = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${str(res.name)}: ${c}/${t}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatTargets(metrics: Rec[], statuses: Rec[]): string {
  if (metrics.length === 0) return '<none>';
  const all = metrics.map((m, i) => metricText(m, statuses[i]));
  const max = 2;
  return all.length > max ? `${all.slice(0, max).join(', ')} + ${all.length - max} more...` : all.join(', ');
}

interface HPAView {
  targetKind: string;
  targetName: string;
  metrics: Rec[];
  statuses: Rec[];
  minReplicas?: number;
  maxReplicas: number;
  currentReplicas: number;
}

function cells(obj: KubeObject, v: HPAView, now: Date): unknown[] {
  return [
    objName(obj), `${v.targetKind}/${v.targetName}`, formatTargets(v.metrics, v.statuses),
    v.minReplicas === undefined ? '<unset>' : String(v.minReplicas), v.maxReplicas, v.currentReplicas, objAge(obj, now),
  ];
}

const columns = [
  nameColumn,
  col('Reference', 'string', 'The scaled object, as kind/name.'),
  col('Targets', 'string', 'Current and target values of the metrics.'),
  col('MinPods', 'string', 'Lower bound on replicas.'),
  col('MaxPods', 'string', 'Upper bound on replicas.'),
  col('Replicas', 'string', 'Replicas the autoscaler last saw.'),
  ageColumn,
];

function view(obj: KubeObject, metrics: Rec[], statuses: Rec[]): HPAView {
  const sp = spec(obj);
  const ref = rec(sp.scaleTargetRef);
  return {
    targetKind: str(ref.kind), targetName: str(ref.name), metrics, statuses,
    minReplicas: typeof sp.minReplicas === 'number' ? sp.minReplicas : undefined,
    maxReplicas: num(sp.maxReplicas), currentReplicas: num(statusOf(obj).currentReplicas),
  };
}

export const horizontalPodAutoscalerTable: TablePrinter = {
  columns,
  row: (obj, now) => cells(obj, view(obj, recs(spec(obj).metrics), recs(statusOf(obj).currentMetrics)), now),
};

/** autoscaling/v1 only knows a CPU utilization target, which v2 spells as a Resource metric. */
export const horizontalPodAutoscalerV1Table: TablePrinter = {
  columns,
  row(obj, now) {
    const target = spec(obj).targetCPUUtilizationPercentage;
    const current = statusOf(obj).currentCPUUtilizationPercentage;
    const metrics: Rec[] = typeof target === 'number'
      ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }]
      : [];
    const statuses: Rec[] = typeof current === 'number'
      ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }]
      : [];
    return cells(obj, view(obj, metrics, statuses), now);
  },
};
