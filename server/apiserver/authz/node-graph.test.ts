import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { NodeGraph } from './node-graph.ts';

const pod = (name: string, nodeName: string | undefined, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { namespace: 'ns', name },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c' }], ...spec },
});

test('a node may read what its pods use, for as long as one of its pods uses it', (t) => {
  const g = new NodeGraph();
  const secretVolume = { volumes: [{ name: 'v', secret: { secretName: 's1' } }] };
  g.upsert(pod('a', 'n1', secretVolume));
  g.upsert(pod('b', 'n1', { serviceAccountName: 'sa' }));
  g.upsert(pod('c', 'n2', secretVolume));
  g.upsert(pod('pending', undefined, { volumes: [{ name: 'v', configMap: { name: 'cm' } }] }));
  t.true(g.has('n1', 'secret', 'ns', 's1'));
  t.true(g.has('n1', 'serviceaccount', 'ns', 'default'));
  t.true(g.has('n1', 'serviceaccount', 'ns', 'sa'));
  t.true(g.has('n1', 'pod', 'ns', 'a'));
  t.false(g.has('n1', 'pod', 'ns', 'c'), 'another node\'s pod');
  t.false(g.has('n1', 'configmap', 'ns', 'cm'), 'a pod bound to no node links nothing');
  // Updates replace the pod's links; a relist's removal knows only the namespace and name.
  g.upsert(pod('a', 'n1', secretVolume));
  g.remove({ metadata: { namespace: 'ns', name: 'a' } });
  t.false(g.has('n1', 'secret', 'ns', 's1'));
  t.false(g.has('n1', 'serviceaccount', 'ns', 'default'), 'only a used default (b has its own)');
  t.true(g.has('n2', 'secret', 'ns', 's1'), 'still used on n2');
  g.remove(pod('c', 'n2'));
  g.remove(pod('b', 'n1'));
  t.false(g.has('n2', 'secret', 'ns', 's1'));
  t.false(g.has('n1', 'pod', 'ns', 'b'));
  g.upsert(pod('c', 'n2', secretVolume));
  t.true(g.has('n2', 'secret', 'ns', 's1'), 'added again after every use was gone');
});
