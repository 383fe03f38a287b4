// Built-in admission: a dry-run delete of a Service keeps its ClusterIP and NodePorts taken.

import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { services } from '../../api/core/service/index.ts';
import { admit } from './admission.ts';
import { ServiceAllocator } from './service-alloc.ts';
import type { RequestContext } from './registry/types.ts';

const ctx = (dryRun: boolean): RequestContext => ({
  user: { username: 'admin', groups: [] }, namespace: 'default', now: new Date(0), dryRun, fieldValidation: 'Warn', warnings: [],
});
const svc = (name: string, clusterIP?: string, nodePort?: number): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
  spec: { type: 'NodePort', clusterIP, ports: [{ port: 80, nodePort }] },
});

for (const dryRun of [true, false]) {
  test(`a ${dryRun ? 'dry-run' : 'real'} delete ${dryRun ? 'keeps' : 'frees'} the Service's ClusterIP and NodePort`, async (t) => {
    const deps = { getNamespace: async () => ({ metadata: { name: 'default' } }), allocator: new ServiceAllocator() };
    const a = svc('a');
    await admit(deps, 'CREATE', services, a, undefined, ctx(false));
    const spec = a.spec as { clusterIP: string; ports: { nodePort: number }[] };
    await admit(deps, 'DELETE', services, a, a, ctx(dryRun));
    const again = admit(deps, 'CREATE', services, svc('b', spec.clusterIP, spec.ports[0].nodePort), undefined, ctx(false));
    if (dryRun) await t.throwsAsync(again, { message: /provided IP is already allocated/ });
    else await t.notThrowsAsync(again);
  });
}
