// Service store hooks over the allocator: what a create, a dry run, a failed write, an
// update and a delete reserve and give back.

import test from 'ava';
import { StatusError } from '../../meta/errors.ts';
import type { KubeObject, Undo } from '../../types.ts';
import { ServiceAllocator } from './allocator.ts';
import { serviceHooks } from './hooks.ts';

const real = { now: new Date(0), dryRun: false, user: { username: 'admin', groups: [] } };
const dry = { now: new Date(0), dryRun: true, user: { username: 'admin', groups: [] } };

function svc(spec: Record<string, unknown>): KubeObject {
  return { metadata: { name: 's', namespace: 'default' }, spec };
}

test('create reserves a cluster IP and node ports; the undo gives them back', async (t) => {
  const alloc = new ServiceAllocator();
  const hooks = serviceHooks(alloc);
  const s = svc({ type: 'NodePort', ports: [{ port: 80 }] });
  const undo = (await hooks.beforeCreate!(s, real)) as Undo;
  const spec = s.spec as { clusterIP: string; clusterIPs: string[]; ports: { nodePort: number }[] };
  t.true(alloc.inRange(spec.clusterIP));
  t.deepEqual(spec.clusterIPs, [spec.clusterIP]);
  t.true(spec.ports[0].nodePort >= 30000 && spec.ports[0].nodePort <= 32767);
  t.true(alloc.holds(spec.clusterIP) && alloc.holds(spec.ports[0].nodePort));
  undo();
  t.false(alloc.holds(spec.clusterIP) || alloc.holds(spec.ports[0].nodePort));
});

test('a dry-run create fills the addresses in but reserves nothing', async (t) => {
  const alloc = new ServiceAllocator();
  const s = svc({ type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ port: 80, nodePort: 30080 }] });
  t.is(await serviceHooks(alloc).beforeCreate!(s, dry), undefined);
  t.is((s.spec as { clusterIP: string }).clusterIP, '10.96.0.50');
  t.false(alloc.holds('10.96.0.50'));
  t.false(alloc.holds(30080));
});

test('a taken or out-of-range address is Invalid, and nothing stays reserved', async (t) => {
  const alloc = new ServiceAllocator();
  const hooks = serviceHooks(alloc);
  await hooks.beforeCreate!(svc({ clusterIP: '10.96.0.10', type: 'NodePort', ports: [{ nodePort: 30001 }] }), real);
  const taken = await t.throwsAsync(async () => hooks.beforeCreate!(svc({ clusterIP: '10.96.0.10' }), real), { instanceOf: StatusError });
  t.is(taken.code, 422);
  t.regex(taken.message, /spec.clusterIPs: Invalid value: \["10.96.0.10"\]: failed to allocate IP 10.96.0.10: provided IP is already allocated/);
  const outside = await t.throwsAsync(async () => hooks.beforeCreate!(svc({ clusterIP: '192.168.0.1' }), real), { instanceOf: StatusError });
  t.regex(outside.message, /is not in the valid range/);
  // The IP was free and taken first; the port clash must give it back.
  await t.throwsAsync(async () => hooks.beforeCreate!(svc({ clusterIP: '10.96.0.11', type: 'NodePort', ports: [{ port: 1, nodePort: 30001 }] }), real), {
    message: /provided port is already allocated/,
  });
  t.false(alloc.holds('10.96.0.11'));
});

test('an update keeps what the service holds and frees what it dropped, only once stored', async (t) => {
  const alloc = new ServiceAllocator();
  const hooks = serviceHooks(alloc);
  const old = svc({ type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 30020 }, { port: 81, nodePort: 30021 }] });
  await hooks.beforeCreate!(structuredClone(old), real);
  const next = svc({ type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 30020 }] });
  await hooks.beforeUpdate!(next, old, dry);
  t.true(alloc.holds(30021), 'a dry run frees nothing');
  await hooks.beforeUpdate!(next, old, real);
  t.true(alloc.holds(30021), 'nothing is freed before the write is stored');
  hooks.afterUpdate!(next, old, real);
  t.false(alloc.holds(30021));
  t.true(alloc.holds(30020) && alloc.holds('10.96.0.20'));
});

test('switching to ClusterIP drops node ports; ExternalName has no address', async (t) => {
  const alloc = new ServiceAllocator();
  const hooks = serviceHooks(alloc);
  const clusterIP = svc({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30030 }] });
  await hooks.beforeCreate!(clusterIP, real);
  t.is((clusterIP.spec as { ports: { nodePort?: number }[] }).ports[0].nodePort, undefined);
  const ext = svc({ type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.40' });
  await hooks.beforeCreate!(ext, real);
  t.is((ext.spec as { clusterIP?: string }).clusterIP, undefined);
  t.false(alloc.holds('10.96.0.40'));
});

test('a deleted service gives its addresses back; a headless one holds none', async (t) => {
  const alloc = new ServiceAllocator();
  const hooks = serviceHooks(alloc);
  const s = svc({ type: 'LoadBalancer', ports: [{ port: 443 }] });
  await hooks.beforeCreate!(s, real);
  const spec = s.spec as { clusterIP: string; ports: { nodePort: number }[] };
  hooks.afterDelete!(s, real);
  t.false(alloc.holds(spec.clusterIP) || alloc.holds(spec.ports[0].nodePort));
  const headless = svc({ clusterIP: 'None' });
  await hooks.beforeCreate!(headless, real);
  t.deepEqual((headless.spec as { clusterIPs: string[] }).clusterIPs, ['None']);
  t.false(alloc.holds('None'));
});
