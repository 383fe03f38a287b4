import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { compactObjects, StringInterner } from './transforms.ts';

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'bench', uid: `uid-of-${name}`, labels: { app: 'bench-0' }, managedFields: [{ manager: 'kube-controller-manager', operation: 'Update' }] },
  spec: {
    nodeName: 'sim-node-22',
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m' } }, ports: [{ containerPort: 8080 }] }],
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }], podIPs: [{ ip: '10.244.22.2' }] },
});

test('compactObjects: drops managedFields and leaves every other field and value as it was', (t) => {
  const compact = compactObjects();
  for (const name of ['a-pod-with-a-long-name', 'b-pod-with-a-long-name']) {
    const want = pod(name);
    delete want.metadata!.managedFields;
    t.deepEqual(compact(pod(name)), want);
  }
});

test('StringInterner: keeps strings of 8 characters or more, at most its size, and starts again when full', (t) => {
  const interner = new StringInterner(3);
  t.is(interner.intern('short'), 'short');
  t.is(interner.held, 0);
  for (const s of ['first-long', 'second-long', 'first-long', 'third-long']) interner.intern(s);
  t.is(interner.held, 3);
  t.is(interner.intern('fourth-long'), 'fourth-long');
  t.is(interner.held, 1, 'a full table starts again');
  t.deepEqual(interner.internAll(['x', ['nested-value'], { k: 'another-value', n: 1, z: null }]), ['x', ['nested-value'], { k: 'another-value', n: 1, z: null }]);
});
