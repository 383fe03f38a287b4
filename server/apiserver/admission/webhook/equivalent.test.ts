import test from 'ava';
import { builtinResources } from '../../../../api/registry.ts';
import type { ResourceType } from '../../../../api/types.ts';
import type { Attributes } from '../types.ts';
import { convertObject, equivalentResources, invocationResource } from './equivalent.ts';

const rt = (group: string, version: string, plural: string) => builtinResources.find((r) => r.group === group && r.version === version && r.plural === plural)!;
const gvr = (r: ResourceType) => `${r.group}/${r.version}/${r.plural}`;
const hpaV1 = rt('autoscaling', 'v1', 'horizontalpodautoscalers');
const hpaV2 = rt('autoscaling', 'v2', 'horizontalpodautoscalers');

test('equivalents are the other versions of the same stored resource', (t) => {
  t.deepEqual(equivalentResources(builtinResources, hpaV2, '').map(gvr), ['autoscaling/v1/horizontalpodautoscalers']);
  t.deepEqual(equivalentResources(builtinResources, rt('', 'v1', 'events'), '').map(gvr), ['events.k8s.io/v1/events']);
  t.deepEqual(equivalentResources(builtinResources, rt('', 'v1', 'configmaps'), ''), []);
});

test('an exact rule wins; Equivalent matches another version; Exact does not', (t) => {
  const a = { operation: 'CREATE', resource: hpaV2, subresource: '', namespace: 'default' } as Attributes;
  const rule = (v: string) => [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: [v], resources: ['horizontalpodautoscalers'] }];
  const all = () => builtinResources;
  t.is(invocationResource({ rules: rule('v2') }, a, all), hpaV2);
  t.is(invocationResource({ rules: rule('v1') }, a, all), hpaV1);
  t.is(invocationResource({ rules: rule('v1'), matchPolicy: 'Exact' }, a, all), undefined);
});

test('objects are converted through the storage version and back', async (t) => {
  const v2 = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  };
  const v1 = await convertObject(v2, hpaV2, hpaV1);
  t.like(v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', spec: { targetCPUUtilizationPercentage: 80 } });
  const back = await convertObject(v1, hpaV1, hpaV2);
  t.deepEqual((back.spec as typeof v2.spec).metrics, v2.spec.metrics);
  t.is(back.apiVersion, 'autoscaling/v2');
});
