// The apiserver's per-pod managedFields and patch work in a loop, without HTTP or storage: what
// the field manager and the patch engines cost each of a pod's writes, in microseconds. Steadier
// than pod-writes on a shared host (one thread, no I/O), for comparing levers of patch/.
// Times swing with the host's load; the bytes each call allocates (garbage included, sampled
// by V8's allocation profiler over one more round) do not.
//   node --import=tsx bench/scheduling/write-path-micro.ts [ITERATIONS]

import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { pods as podType } from '../../api/core/pod/index.ts';
import type { KubeObject } from '../../api/types.ts';
import { patchSchemaOf } from '../../server/apiserver/openapi-wiring.ts';
import { applyPatch, managedFieldsAfter } from '../../server/apiserver/patch/index.ts';
import { podObject, podStatus } from '../api/pod.ts';
import { fmt, printTable } from '../stats.ts';

const schema = patchSchemaOf(podType);
const now = new Date('2026-12-07T20:00:00Z');
const SMP = 'application/strategic-merge-patch+json';

/** The pod as the ReplicaSet controller's create leaves it: its managedFields entry recorded. */
function created(i: number): KubeObject {
  const pod = podObject('bench', i) as KubeObject;
  delete (pod.spec as Record<string, unknown>).nodeName;
  (pod.metadata ??= {}).uid = `uid-${i}`;
  pod.metadata.managedFields = managedFieldsAfter(undefined, pod, 'kube-controller-manager', 'Update', now, undefined, schema);
  return pod;
}

const cases: Array<{ name: string; prepare: (i: number) => () => unknown }> = [
  {
    name: 'create: managedFields of the new pod',
    prepare: (i) => {
      const pod = podObject('bench', i) as KubeObject;
      return () => managedFieldsAfter(undefined, pod, 'kube-controller-manager', 'Update', now, undefined, schema);
    },
  },
  {
    name: 'kubelet status patch (strategic) and its managedFields',
    prepare: (i) => {
      const pod = created(i);
      const body = JSON.stringify({ metadata: { uid: `uid-${i}` }, status: podStatus(i) });
      return () => applyPatch(SMP, pod, body, schema, { now, userAgent: 'kubelet/v1.32.0', subresource: 'status' });
    },
  },
  {
    name: 'second status patch (a condition changes) by the same manager',
    prepare: (i) => {
      const pod = applyPatch(SMP, created(i), { status: podStatus(i) }, schema, { now, userAgent: 'kubelet/v1.32.0', subresource: 'status' });
      const body = JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-12-07T20:01:00Z' }] } });
      return () => applyPatch(SMP, pod, body, schema, { now, userAgent: 'kubelet/v1.32.0', subresource: 'status' });
    },
  },
  {
    name: 'label merge patch by another manager',
    prepare: (i) => {
      const pod = created(i);
      return () => applyPatch('application/merge-patch+json', pod, '{"metadata":{"labels":{"extra":"x"}}}', schema, { now, userAgent: 'kubectl/v1.32.0' });
    },
  },
];

const n = Number(process.argv[2]) || 3000;
const rows: string[][] = [];
for (const c of cases) {
  const runs = Array.from({ length: n }, (_, i) => c.prepare(i));
  for (let i = 0; i < Math.min(500, n); i++) runs[i]!(); // warm-up: JIT
  const figures: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (const run of runs) run();
    figures.push(((performance.now() - t0) * 1000) / n);
  }
  const bytes = await allocated(() => {
    for (const run of runs) run();
  });
  rows.push([c.name, ...figures.map((f) => fmt(f, 1)), fmt(Math.min(...figures), 1), fmt(bytes / n / 1024, 1)]);
}
printTable(`write-path-micro: microseconds per call, ${fmt(n)} pods, five rounds; KB allocated per call`, ['write', 'round 1', 'round 2', 'round 3', 'round 4', 'round 5', 'best', 'KB per call'], rows);

/** Bytes allocated while `work` runs, garbage included (V8's sampling heap profiler). */
async function allocated(work: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  work();
  const r = (await post('HeapProfiler.stopSampling')) as { profile: { head: AllocNode } };
  session.disconnect();
  const sum = (node: AllocNode): number => node.children.reduce((acc, c) => acc + sum(c), node.selfSize);
  return sum(r.profile.head);
}

interface AllocNode {
  selfSize: number;
  children: AllocNode[];
}
