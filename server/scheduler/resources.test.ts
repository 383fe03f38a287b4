import test from 'ava';
import { nonZeroRequests, podHostPorts, podRequests, samePodInfoInputs } from './resources.ts';
import type { Pod } from './types.ts';

const c = (cpu?: string, memory?: string, extra: Record<string, unknown> = {}) => ({ name: 'x', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } }, ...extra });

const cases: Array<{ name: string; spec: Pod['spec']; cpu: number; memory: number }> = [
  { name: 'sum of containers', spec: { containers: [c('100m', '1Gi'), c('1', '1Gi')] }, cpu: 1100, memory: 2 * 2 ** 30 },
  { name: 'init container larger than containers wins', spec: { containers: [c('100m')], initContainers: [c('2'), c('500m')] }, cpu: 2000, memory: 0 },
  { name: 'init container smaller than containers', spec: { containers: [c('1'), c('1')], initContainers: [c('1500m')] }, cpu: 2000, memory: 0 },
  { name: 'overhead is added', spec: { containers: [c('250m', '64Mi')], overhead: { cpu: '250m', memory: '64Mi' } }, cpu: 500, memory: 128 * 2 ** 20 },
  {
    name: 'sidecar adds to containers and to later init containers',
    spec: { containers: [c('1')], initContainers: [c('500m', undefined, { restartPolicy: 'Always' }), c('2')] },
    cpu: 2500,
    memory: 0,
  },
  { name: 'no requests', spec: { containers: [{ name: 'x' }] }, cpu: 0, memory: 0 },
];

for (const tc of cases) {
  test(`podRequests: ${tc.name}`, (t) => {
    const r = podRequests({ spec: tc.spec });
    t.is(r.get('cpu') ?? 0, tc.cpu);
    t.is(r.get('memory') ?? 0, tc.memory);
  });
}

test('nonZeroRequests defaults containers without requests', (t) => {
  t.deepEqual(nonZeroRequests({ spec: { containers: [{ name: 'a' }, c('1')] } }), { cpu: 1100, memory: 2 * 200 * 2 ** 20 });
});

test('nonZeroRequests: a sidecar adds its requests (or the defaults) to the containers; a regular init container is a max', (t) => {
  const spec = { containers: [c('1')], initContainers: [{ name: 's', restartPolicy: 'Always' }, c('1500m', '1Gi')], overhead: { cpu: '10m' } };
  // max(init 1500m + sidecar 100m, container 1000m + sidecar 100m) + 10m; memory max(1Gi + 200Mi, 200Mi + 200Mi).
  t.deepEqual(nonZeroRequests({ spec }), { cpu: 1610, memory: 2 ** 30 + 200 * 2 ** 20 });
});

test('podHostPorts defaults protocol and address', (t) => {
  const ports = podHostPorts({ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }] } });
  t.deepEqual(ports, [{ protocol: 'TCP', hostIP: '0.0.0.0', port: 8080 }]);
});

test('samePodInfoInputs: only what newPodInfo derives counts', (t) => {
  const base: Pod = { metadata: { namespace: 'ns', name: 'p' }, spec: { containers: [c('1', '1Gi')], priority: 5 } };
  const same = (b: Pod) => samePodInfoInputs(base, b);
  t.true(same({ ...base, status: { phase: 'Running' }, metadata: { ...base.metadata, labels: { a: 'b' } } }));
  t.true(same({ ...base, spec: { ...base.spec, nodeName: 'n1' } }));
  t.false(same({ ...base, spec: { ...base.spec, containers: [c('2', '1Gi')] } }));
  t.false(same({ ...base, spec: { ...base.spec, priority: 6 } }));
  t.false(same({ ...base, spec: { ...base.spec, overhead: { cpu: '100m' } } }));
  t.false(same({ ...base, spec: { ...base.spec, affinity: { podAntiAffinity: {} } } }));
  t.false(same({ ...base, spec: { ...base.spec, containers: [{ ...c('1', '1Gi'), ports: [{ containerPort: 80, hostPort: 80 }] }] } }));
  t.false(same({ ...base, spec: { ...base.spec, initContainers: [c('1')] } }));
  t.false(same({ ...base, metadata: { namespace: 'ns', name: 'q' } }));
});
