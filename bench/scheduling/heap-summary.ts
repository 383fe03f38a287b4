// Where a process's heap goes: reads a V8 .heapsnapshot (BENCH_HEAP_SNAPSHOT=DIR writes one
// per bench process) and prints self size and count summed by node type and constructor name,
// largest first. Strings are summed as one row per string kind; with --strings, the most
// repeated string values too (a value kept once per object instead of shared shows up there).
//   node --import=tsx bench/scheduling/heap-summary.ts FILE [--top N] [--strings]

import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: heap-summary.ts FILE [--top N] [--strings]');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));

const byName = new Map<string, { size: number; count: number }>();
const stringValues = new Map<string, { size: number; count: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + typeAt]];
  const size = snap.nodes[i + sizeAt];
  const name = snap.strings[snap.nodes[i + nameAt]];
  total += size;
  const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
  const key = isString ? `(${type})` : `${type} ${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
  const row = byName.get(key) ?? { size: 0, count: 0 };
  row.size += size;
  row.count++;
  byName.set(key, row);
  if (isString && args.includes('--strings')) {
    const v = name.length > 50 ? `${name.slice(0, 47)}...` : name;
    const s = stringValues.get(v) ?? { size: 0, count: 0 };
    s.size += size;
    s.count++;
    stringValues.set(v, s);
  }
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`${file}: ${mb(total)} MB in ${snap.nodes.length / width} nodes`);
for (const [k, v] of [...byName].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  console.log(`${mb(v.size).padStart(8)} MB ${String(v.count).padStart(9)}  ${k}`);
}
if (args.includes('--strings')) {
  console.log('\nmost repeated strings (count, MB):');
  for (const [k, v] of [...stringValues].sort((a, b) => b[1].count - a[1].count).slice(0, top)) {
    console.log(`${String(v.count).padStart(9)} ${mb(v.size).padStart(7)}  ${JSON.stringify(k)}`);
  }
}
