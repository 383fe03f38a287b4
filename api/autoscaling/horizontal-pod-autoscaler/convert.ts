// autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2 (the storage version). v1 knows
// one metric, CPU utilization; v2's other metrics are kept in the stored object and simply
// not shown through v1 (upstream carries them in annotations; we keep the stored v2 whole).

import type { KubeObject } from '../../types.ts';

interface V2Metric {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number }; current?: { averageUtilization?: number } };
}

const cpu = (m: V2Metric) => m.type === 'Resource' && m.resource?.name === 'cpu';

export const hpaV1Convert = {
  toStorage(obj: KubeObject): KubeObject {
    const spec = { ...((obj.spec ?? {}) as Record<string, unknown>) };
    const target = spec.targetCPUUtilizationPercentage as number | undefined;
    delete spec.targetCPUUtilizationPercentage;
    if (target !== undefined) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
    }
    const status = { ...((obj.status ?? {}) as Record<string, unknown>) };
    const current = status.currentCPUUtilizationPercentage as number | undefined;
    delete status.currentCPUUtilizationPercentage;
    if (current !== undefined) status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }];
    const out: KubeObject = { ...obj, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec };
    if (obj.status !== undefined) out.status = status;
    return out;
  },
  fromStorage(obj: KubeObject): KubeObject {
    const spec = { ...((obj.spec ?? {}) as Record<string, unknown>) };
    const metric = ((spec.metrics ?? []) as V2Metric[]).find(cpu);
    delete spec.metrics;
    delete spec.behavior;
    const util = metric?.resource?.target?.averageUtilization;
    if (util !== undefined) spec.targetCPUUtilizationPercentage = util;
    const out: KubeObject = { ...obj, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', spec };
    if (obj.status !== undefined) {
      const status = { ...(obj.status as Record<string, unknown>) };
      const cur = ((status.currentMetrics ?? []) as V2Metric[]).find(cpu)?.resource?.current?.averageUtilization;
      delete status.currentMetrics;
      delete status.conditions;
      if (cur !== undefined) status.currentCPUUtilizationPercentage = cur;
      out.status = status;
    }
    return out;
  },
};
