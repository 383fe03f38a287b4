import test from 'ava';
import { SchedulerCache } from './cache.ts';
import { newPodInfo } from './resources.ts';
import { cacheOf, makeNode, makePod } from './testing/objects.ts';
import type { Node, NodeInfo, Pod } from './types.ts';

/** What scheduling reads of a node, comparable with deepEqual. */
function view(ni: NodeInfo | undefined) {
  if (!ni) return undefined;
  const nonZero = (m: Map<string, number>) => [...m].filter(([, v]) => v !== 0).sort();
  return {
    name: ni.name,
    labels: ni.labels,
    allocatable: [...ni.allocatable].sort(),
    allocatableCpu: ni.allocatableCpu,
    allocatableMemory: ni.allocatableMemory,
    allocatableEphemeralStorage: ni.allocatableEphemeralStorage,
    allowedPods: ni.allowedPods,
    unschedulable: ni.unschedulable,
    taints: ni.taints,
    requested: nonZero(ni.requested),
    requestedCpu: ni.requestedCpu,
    requestedMemory: ni.requestedMemory,
    requestedEphemeralStorage: ni.requestedEphemeralStorage,
    nonZeroCpu: ni.nonZeroCpu,
    nonZeroMemory: ni.nonZeroMemory,
    pods: [...ni.pods.keys()].sort(),
    usedPorts: [...ni.usedPorts].map(([k, ips]) => [k, [...ips].sort()]).filter(([, ips]) => ips.length > 0).sort(),
    podsWithAffinity: ni.podsWithAffinity,
    podPriorities: [...ni.podPriorities].sort(),
  };
}

function views(c: SchedulerCache) {
  return {
    nodes: c.list().map(view),
    withAffinity: c.withAffinity().map((n) => n.name).sort(),
  };
}

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' }] } };

function randomPod(r: () => number, name: string, nodeName: string): Pod {
  const pick = r();
  const spec: Record<string, unknown> = {};
  if (pick < 0.2) spec.affinity = affinity;
  // Ports are per pod name: two pods holding the same port on one node is a conflict the cache
  // keeps as a set, like upstream (removing either frees it).
  const ports = pick > 0.8 ? [{ containerPort: 80, hostPort: 8000 + Number(name.slice(1)), protocol: 'TCP' }] : undefined;
  const requests: Record<string, string> = { cpu: `${1 + Math.floor(r() * 500)}m`, memory: `${1 + Math.floor(r() * 64)}Mi` };
  if (r() < 0.3) requests['ephemeral-storage'] = '1Gi';
  if (r() < 0.2) requests['example.com/gpu'] = '1';
  return makePod(name, { nodeName, spec, priority: Math.floor(r() * 3) * 100, containers: [{ name: 'c', resources: { requests }, ports }] });
}

test('the incrementally kept cache equals one rebuilt from the final nodes and pods', (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rng(seed);
    const cache = new SchedulerCache();
    const nodes = new Map<string, Node>();
    const bound = new Map<string, Pod>();
    const assumed = new Map<string, Pod>();
    const nodeName = () => `n${Math.floor(r() * 6)}`;
    for (let step = 0; step < 300; step++) {
      const op = r();
      const podName = `p${Math.floor(r() * 40)}`;
      const key = `default/${podName}`;
      if (op < 0.1) {
        const name = nodeName();
        const n = makeNode(name, {
          cpu: String(2 + Math.floor(r() * 4)),
          unschedulable: r() < 0.2,
          taints: r() < 0.2 ? [{ key: 'k', effect: 'NoSchedule' }] : undefined,
          extra: { 'ephemeral-storage': '10Gi', 'example.com/gpu': '2' },
        });
        nodes.set(name, n);
        cache.setNode(n);
      } else if (op < 0.15) {
        const name = nodeName();
        nodes.delete(name);
        cache.removeNode(name);
      } else if (op < 0.3) {
        // A status update of a counted pod, or the binding confirming an assumed one: same spec.
        const prev = bound.get(key) ?? assumed.get(key);
        if (!prev) continue;
        const p = { ...prev, status: { phase: 'Running', podIP: `10.0.0.${step % 250}` } };
        assumed.delete(key);
        bound.set(key, p);
        cache.setPod(p);
      } else if (op < 0.55) {
        // Added or updated from the informer (it may move node, change requests or affinity).
        const p = randomPod(r, podName, nodeName());
        assumed.delete(key);
        bound.set(key, p);
        cache.setPod(p);
      } else if (op < 0.75) {
        const p = randomPod(r, podName, '');
        const target = nodeName();
        bound.delete(key);
        assumed.set(key, { ...p, spec: { ...p.spec, nodeName: target } });
        cache.assume(newPodInfo(p), target);
      } else if (op < 0.85) {
        if (assumed.delete(key)) cache.forget(key);
        else cache.forget(key); // a confirmed pod is not forgotten
      } else {
        bound.delete(key);
        assumed.delete(key);
        cache.removePod(key);
      }
    }
    const rebuilt = cacheOf([...nodes.values()], [...bound.values(), ...assumed.values()]);
    t.deepEqual(views(cache), views(rebuilt), `seed ${seed}`);
    for (const name of ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']) t.deepEqual(view(cache.get(name)), view(rebuilt.get(name)), `seed ${seed} node ${name}`);
  }
});

test('withAffinity lists known nodes holding pods with affinity terms, as pods come and go', (t) => {
  const cache = cacheOf([makeNode('a'), makeNode('b')]);
  t.deepEqual(cache.withAffinity(), []);
  const p = makePod('p', { nodeName: 'a', spec: { affinity } });
  cache.setPod(p);
  t.deepEqual(cache.withAffinity().map((n) => n.name), ['a']);
  // A pod on a node the cache does not know yet counts once the node arrives.
  cache.setPod(makePod('q', { nodeName: 'c', spec: { affinity } }));
  t.deepEqual(cache.withAffinity().map((n) => n.name), ['a']);
  cache.setNode(makeNode('c'));
  t.deepEqual(cache.withAffinity().map((n) => n.name).sort(), ['a', 'c']);
  cache.removeNode('c');
  t.deepEqual(cache.withAffinity().map((n) => n.name), ['a']);
  cache.removePod('default/p');
  t.deepEqual(cache.withAffinity(), []);
});

test('a status update keeps the PodInfo sums, and hands plugins the new object', (t) => {
  const cache = cacheOf([makeNode('a')]);
  const p = makePod('p', { cpu: '1', nodeName: 'a' });
  cache.setPod(p);
  const before = view(cache.get('a'));
  const running = { ...p, metadata: { ...p.metadata, labels: { app: 'x' } }, status: { phase: 'Running' } };
  cache.setPod(running);
  t.deepEqual(view(cache.get('a')), before);
  t.is(cache.get('a')?.pods.get('default/p')?.pod, running);
  // A resize is not a status update: the sums follow it.
  cache.setPod(makePod('p', { cpu: '2', nodeName: 'a' }));
  t.is(cache.get('a')?.requestedCpu, 2000);
});
