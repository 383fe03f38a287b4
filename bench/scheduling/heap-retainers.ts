// What keeps a process's heap alive: the dominator tree of a V8 .heapsnapshot (as DevTools'
// "retained size"), then (1) every SharedInformer's cache by resource: objects and what they
// alone keep alive, and (2) the biggest retainers with the path that reaches them. Summing by
// constructor (heap-summary.ts) shows that Objects and strings hold the heap; this shows whose
// they are (it found two Event informers and a second pod cache in the control plane).
//   node --max-old-space-size=4096 --import=tsx bench/scheduling/heap-retainers.ts FILE [--top N]

import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: heap-retainers.ts FILE [--top N]');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { node_fields: nf, edge_fields: ef, node_types: [ntypes], edge_types: [etypes] } = snap.snapshot.meta;
const { nodes, edges, strings } = snap;
const NW = nf.length;
const EW = ef.length;
const N = nodes.length / NW;
const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
const ignored = new Set([etypes.indexOf('weak'), etypes.indexOf('shortcut')]);

const firstEdge = new Int32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += nodes[i * NW + iEdges] * EW;
  firstEdge[i + 1] = e;
}
const target = (e: number) => edges[e + eTo] / NW;
const nameOf = (n: number) => strings[nodes[n * NW + iName]];
const edgeName = (e: number) => {
  const t = etypes[edges[e + eType]];
  const v = edges[e + eName];
  return t === 'element' || t === 'hidden' ? `[${v}]` : String(strings[v]);
};

// Depth-first from the root: post-order numbers and the first path to each node.
const order = new Int32Array(N).fill(-1);
const post: number[] = [];
const viaEdge = new Int32Array(N).fill(-1);
const viaNode = new Int32Array(N).fill(-1);
const seen = new Uint8Array(N);
const stack = [0];
const cursor = [firstEdge[0]];
seen[0] = 1;
while (stack.length) {
  const n = stack[stack.length - 1];
  let e = cursor[cursor.length - 1];
  let descended = false;
  while (e < firstEdge[n + 1]) {
    const to = target(e);
    const skip = ignored.has(edges[e + eType]) || seen[to];
    e += EW;
    if (skip) continue;
    seen[to] = 1;
    viaNode[to] = n;
    viaEdge[to] = e - EW;
    cursor[cursor.length - 1] = e;
    stack.push(to);
    cursor.push(firstEdge[to]);
    descended = true;
    break;
  }
  if (!descended) {
    stack.pop();
    cursor.pop();
    order[n] = post.length;
    post.push(n);
  }
}

// Predecessors, then immediate dominators (Cooper, Harvey and Kennedy's iteration).
const predStart = new Int32Array(N + 1);
for (let n = 0; n < N; n++) if (seen[n]) for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EW) if (!ignored.has(edges[e + eType])) predStart[target(e) + 1]++;
for (let n = 0; n < N; n++) predStart[n + 1] += predStart[n];
const preds = new Int32Array(predStart[N]);
const fill = predStart.slice(0, N);
for (let n = 0; n < N; n++) if (seen[n]) for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EW) if (!ignored.has(edges[e + eType])) preds[fill[target(e)]++] = n;
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
const meet = (a: number, b: number) => {
  while (a !== b) {
    while (order[a] < order[b]) a = idom[a];
    while (order[b] < order[a]) b = idom[b];
  }
  return a;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let k = post.length - 2; k >= 0; k--) {
    const n = post[k];
    let d = -1;
    for (let p = predStart[n]; p < predStart[n + 1]; p++) if (idom[preds[p]] >= 0) d = d < 0 ? preds[p] : meet(preds[p], d);
    if (d !== idom[n]) {
      idom[n] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(N);
for (let n = 0; n < N; n++) retained[n] = nodes[n * NW + iSize];
for (const n of post) if (n !== 0 && idom[n] >= 0) retained[idom[n]] += retained[n];

const mb = (b: number) => `${(b / 1e6).toFixed(1).padStart(7)} MB`;
const child = (n: number, key: string) => {
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EW) if (edgeName(e) === key) return target(e);
  return -1;
};
const path = (n: number) => {
  const out: string[] = [];
  for (let x = n; x > 0 && viaEdge[x] >= 0 && out.length < 14; x = viaNode[x]) out.push(edgeName(viaEdge[x]));
  return out.reverse().join('.');
};

console.log(`${file}: ${mb(retained[0])} reachable in ${N} nodes\n\ninformer caches (objects, what they alone keep alive):`);
for (let n = 0; n < N; n++) {
  if (nameOf(n) !== 'SharedInformer' || ntypes[nodes[n * NW + iType]] !== 'object') continue;
  const table = child(child(child(n, 'cache'), 'items'), 'table');
  let objects = 0;
  let bytes = 0;
  for (let e = table < 0 ? 0 : firstEdge[table]; table >= 0 && e < firstEdge[table + 1]; e += EW) {
    if (ntypes[nodes[target(e) * NW + iType]] !== 'object') continue;
    objects++;
    bytes += retained[target(e)];
  }
  if (objects >= 100) console.log(`${mb(bytes)}  ${String(objects).padStart(7)} ${nameOf(child(child(n, 'r'), 'plural'))} (${(bytes / objects / 1024).toFixed(2)} KB each)`);
}
console.log(`\nbiggest retainers (a container and what it holds both show):`);
const big: number[] = [];
for (let n = 1; n < N; n++) if (retained[n] > 1e6) big.push(n);
big.sort((a, b) => retained[b] - retained[a]);
for (const n of big.slice(0, top)) console.log(`${mb(retained[n])}  ${ntypes[nodes[n * NW + iType]]} ${nameOf(n).slice(0, 40)}  <- ${path(n).slice(-160)}`);
