import test from 'ava';
import type { Container, Pod } from '../../api/core/pod/types.ts';
import { admit } from './admission.ts';

const c = (name: string, cpu: string, restartPolicy?: string): Container => ({ name, image: 'i', resources: { requests: { cpu, memory: '1Mi' } }, ...(restartPolicy ? { restartPolicy } : {}) });
const pod = (containers: Container[], initContainers: Container[] = []): Pod => ({ spec: { containers, initContainers } });
const node = { cpu: '2', memory: '1Gi', pods: '110' };

test('admit: a pod that fits beside the admitted ones is admitted', (t) => {
  t.is(admit(pod([c('a', '500m')]), [pod([c('b', '1')])], node), undefined);
});

test('admit: sidecars add to the containers: rejected with OutOfcpu and upstream message', (t) => {
  // 1 + sidecar 600m = 1600m beside 500m used: more than 2 cores.
  const p = pod([c('a', '1')], [c('side', '600m', 'Always')]);
  t.deepEqual(admit(p, [pod([c('b', '500m')])], node), { reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 1600, used: 500, capacity: 2000" });
});

test('admit: a regular init container counts with the sidecars started before it, not with the containers', (t) => {
  // max(init 1500m + sidecar 400m, container 100m + sidecar 400m) = 1900m: fits in 2 cores alone...
  const p = pod([c('a', '100m')], [c('side', '400m', 'Always'), c('setup', '1500m')]);
  t.is(admit(p, [], node), undefined);
  // ...but not beside 200m.
  t.is(admit(p, [pod([c('b', '200m')])], node)?.message, "Node didn't have enough resource: cpu, requested: 1900, used: 200, capacity: 2000");
});

test('admit: a pod that requests nothing always fits', (t) => {
  t.is(admit(pod([{ name: 'a', image: 'i' }]), [pod([c('b', '2')])], node), undefined);
});
