// What a process allocated while the workload ran, garbage included: reads the .heapprofile
// BENCH_ALLOC_PROFILE=DIR writes and prints bytes by function (self: allocated in the function
// itself; total: in it and what it called), largest first.
//   node --import=tsx bench/scheduling/alloc-summary.ts FILE [--top N] [--pods N]

import { readFileSync } from 'node:fs';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) throw new Error('usage: alloc-summary.ts FILE [--top N] [--pods N]');
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const top = opt('--top', 40);
const pods = opt('--pods', 0);
const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }).head;

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
const nameOf = (n: ProfileNode) => {
  const f = n.callFrame;
  const url = f.url.replace(/^.*\/(work\/[^/]+|node_modules)\//, '').replace(/^file:\/\//, '');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
};
/** Sums a subtree; total counts a function once per path even when it recurses. */
function walk(n: ProfileNode, onPath: Set<string>): number {
  const name = nameOf(n);
  let sum = n.selfSize;
  all += n.selfSize;
  self.set(name, (self.get(name) ?? 0) + n.selfSize);
  const fresh = !onPath.has(name);
  if (fresh) onPath.add(name);
  for (const c of n.children) sum += walk(c, onPath);
  if (fresh) {
    onPath.delete(name);
    total.set(name, (total.get(name) ?? 0) + sum);
  }
  return sum;
}
walk(root, new Set());

const mb = (n: number) => (n / 1024 / 1024).toFixed(1).padStart(8);
const per = (n: number) => (pods ? `${(n / pods / 1024).toFixed(1).padStart(7)} KB/pod` : '');
console.log(`${file}: ${mb(all).trim()} MB allocated${pods ? ` (${(all / pods / 1024).toFixed(1)} KB per pod)` : ''}`);
for (const [title, m] of [['self', self], ['total', total]] as const) {
  console.log(`\nby ${title} size:`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mb(v)} MB ${per(v)}  ${k}`);
}
