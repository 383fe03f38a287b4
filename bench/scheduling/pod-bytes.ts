// What one pod costs in each cache, by form: N copies of a pod (names, uids and times made
// unique, as they are) held in each form, the live heap growth after a full GC divided by N.
// The pod is a real one from a bench run (GET one Running pod with its managedFields), so the
// figures are the levers' per-pod savings in the watch cache, the informers and the sim.
//   node --expose-gc --import=tsx bench/scheduling/pod-bytes.ts POD.json [N]

import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../api/types.ts';
import type { Pod } from '../../api/core/pod/types.ts';
import { stripManagedFields } from '../../client/informer.ts';
import { compactObjects } from '../../client/transforms.ts';
import { simPodView } from '../../node/sim/pod.ts';
import { deepFreeze, WatchCache } from '../../server/storage/watch-cache.ts';
import { encodeObject } from '../../server/storage/objects.ts';

const [file, count] = process.argv.slice(2);
const n = Number(count) || 5000;
const template = readFileSync(file, 'utf8');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/** The i-th pod's JSON: unique where pods differ (name, uid, times, IP). */
function podJson(i: number): string {
  const u = i.toString(16).padStart(8, '0');
  return template.replace(/"name":"(bench-[^"]*?)-([a-z0-9]{5})"/g, `"name":"$1-${u.slice(-5)}"`).replace(/"uid":"([0-9a-f]{8})/g, `"uid":"${u}`).replace(/T(\d\d):(\d\d):(\d\d)Z/g, `T$1:$2:${String(i % 60).padStart(2, '0')}Z`).replace(/"10\.244\.(\d+)\.(\d+)"/g, `"10.244.$1.${i % 250}"`);
}

/** Live bytes per pod: on the V8 heap, and outside it in ArrayBuffers (the watch cache's JSON bytes). */
function perPod(make: (json: string, i: number) => unknown): [number, number] {
  const jsons = Array.from({ length: n }, (_, i) => podJson(i));
  gc!();
  const before = process.memoryUsage();
  const kept = jsons.map((j, i) => make(j, i));
  gc!();
  const after = process.memoryUsage();
  if (kept.length !== n) throw new Error('lost');
  return [(after.heapUsed - before.heapUsed) / n, (after.arrayBuffers - before.arrayBuffers) / n];
}

const compact = compactObjects();
const kb = (b: number) => (b / 1024).toFixed(1);
const rows: [string, [number, number]][] = [
  ['parsed pod (informer, no transform)', perPod((j) => JSON.parse(j))],
  ['parsed, managedFields dropped (control plane informer)', perPod((j) => stripManagedFields(JSON.parse(j) as KubeObject))],
  ['parsed, managedFields dropped, strings shared (control plane informer, compactObjects)', perPod((j) => compact(JSON.parse(j) as KubeObject))],
  ['simPodView (sim informer)', perPod((j) => simPodView(JSON.parse(j) as Pod))],
  ['watch cache entry, first: frozen object + JSON', perPod((j) => { const o = deepFreeze(JSON.parse(j)); return { key: `k${j.length}`, object: o, raw: JSON.stringify(o) }; })],
  ['watch cache entry, then: JSON string only', perPod((j, i) => ({ key: `/registry/pods/bench/${i}`, raw: JSON.stringify(JSON.parse(j)), revision: i + 1 }))],
];
const cache = new WatchCache(1);
rows.push([
  'watch cache entry, now: JSON bytes only (off the V8 heap)',
  perPod((j, i) => {
    const o = JSON.parse(j) as KubeObject;
    cache.apply({ type: 'ADDED', key: `/registry/pods/bench/${i}`, value: encodeObject(o), revision: i + 1 });
    return i;
  }),
]);
console.log(`one pod (${template.length} bytes of JSON), ${n} copies; live per pod, V8 heap + ArrayBuffers:`);
for (const [what, [heap, buffers]] of rows) console.log(`${kb(heap).padStart(7)} + ${kb(buffers).padStart(5)} KB  ${what}`);
