// HPA defaults as upstream's, whichever version the request used (v1 is stored as v2).

import test from 'ava';
import { Registry } from '../../registry.ts';
import type { KubeObject } from '../../types.ts';

const registry = new Registry();
const ctx = { now: new Date(0) };
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

for (const version of ['v1', 'v2']) {
  test(`autoscaling/${version}: minReplicas defaults to 1 and no metric means 80% CPU`, (t) => {
    const rt = registry.get('autoscaling', version, 'horizontalpodautoscalers')!;
    const hpa: KubeObject = { apiVersion: `autoscaling/${version}`, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'a' }, spec: { scaleTargetRef: target, maxReplicas: 2 } };
    rt.strategy?.prepareForCreate?.(hpa, ctx);
    t.deepEqual(rt.strategy?.validate?.(hpa), []);
    const stored = rt.convert ? rt.convert.toStorage(hpa) : hpa;
    t.like(stored.spec, { minReplicas: 1, maxReplicas: 2 });
    t.deepEqual((stored.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });
}

test('autoscaling/v1: a given CPU target is kept and maxReplicas below minReplicas refused', (t) => {
  const rt = registry.get('autoscaling', 'v1', 'horizontalpodautoscalers')!;
  const hpa: KubeObject = { metadata: { name: 'web', namespace: 'a' }, spec: { scaleTargetRef: target, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } };
  rt.strategy?.prepareForCreate?.(hpa, ctx);
  t.like(hpa.spec, { minReplicas: 1, targetCPUUtilizationPercentage: 70 });
  (hpa.spec as { minReplicas: number }).minReplicas = 3;
  t.deepEqual(rt.strategy?.validate?.(hpa).map((e) => e.field), ['spec.maxReplicas']);
});
