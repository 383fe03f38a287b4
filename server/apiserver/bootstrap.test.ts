import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { StatusError } from '../../api/meta/errors.ts';
import type { GenericStore } from './registry/store.ts';
import { bootstrap } from './bootstrap.ts';

/** An in-memory stand-in for the engine: get/create by group/plural/namespace/name. */
function fakeEngines(onCreate?: (key: string, obj: KubeObject, stored: Map<string, KubeObject>) => void) {
  const stored = new Map<string, KubeObject>();
  const key = (group: string, plural: string, o: KubeObject | { namespace: string; name: string }) =>
    'metadata' in o ? `${group}/${plural}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}` : `${group}/${plural}/${o.namespace}/${o.name}`;
  const engine = (group: string, plural: string) =>
    ({
      async get(ctx: { namespace: string }, name: string) {
        const o = stored.get(key(group, plural, { namespace: ctx.namespace, name }));
        if (!o) throw new StatusError(404, 'NotFound', `${plural} "${name}" not found`);
        return o;
      },
      async create(_ctx: unknown, obj: KubeObject) {
        const k = key(group, plural, obj);
        onCreate?.(k, obj, stored);
        if (stored.has(k)) throw new StatusError(409, 'AlreadyExists', `${plural} "${obj.metadata?.name}" already exists`);
        stored.set(k, obj);
        return obj;
      },
      async update(_ctx: unknown, _name: string, obj: KubeObject) {
        stored.set(key(group, plural, obj), obj);
        return obj;
      },
    }) as unknown as GenericStore;
  return { stored, engine };
}

test('a second apiserver starting at once: the kubernetes Service IP already held by the first is waited out, not fatal', async (t) => {
  let refused = 0;
  const { stored, engine } = fakeEngines((k, obj, s) => {
    if (k !== '/services/default/kubernetes' || refused > 0) return;
    refused++;
    // The other apiserver holds 10.96.0.1 and stores its Service a moment later.
    setTimeout(() => s.set(k, { ...obj, metadata: { ...obj.metadata, uid: 'theirs' } }), 100);
    throw new StatusError(422, 'Invalid', 'Service "kubernetes" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated');
  });
  await bootstrap({ engine, advertiseAddress: '127.0.0.1', port: 6443, now: () => new Date() });
  t.is(refused, 1);
  t.is(stored.get('/services/default/kubernetes')?.metadata?.uid, 'theirs');
  t.truthy(stored.get('/services/kube-system/kube-dns'));
});

test('an error that does not go away still fails the start', async (t) => {
  const { engine } = fakeEngines((k) => {
    if (k === '/services/kube-system/kube-dns') throw new StatusError(422, 'Invalid', 'spec.clusterIP: Invalid value: "10.96.0.10": provided IP is not in the valid range');
  });
  const slow = bootstrap({ engine, advertiseAddress: '127.0.0.1', port: 6443, now: () => new Date() });
  await t.throwsAsync(slow, { message: /not in the valid range/ });
});
