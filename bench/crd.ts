// bench/crd: custom resources through HTTPS beside built-ins in the same run. Creates of a
// Widget carrying a 200-item list (a list-map with keys, validated, defaulted and pruned
// against its schema) and server-side applies of it, beside creates of a ConfigMap of the
// same size; and the time from a CRD's create to Established plus its first object, over
// 20 CRDs (p50, p99). Each row also gives the apiserver thread's CPU per object (from /proc;
// the load generator runs in a worker thread), which a shared host's load disturbs far less
// than the rates: its ratio to the reference's is what the rate ratio tends to on a quiet
// machine. BENCH_CRD_CLIENTS=32 runs one concurrency only (for profiling).

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer } from '../server/apiserver/app.ts';
import { ensurePki } from '../server/pki/index.ts';
import { silentLogger } from '../server/log.ts';
import { fmt, mainThreadCpuMs, percentile, printTable, type RunFigures } from './stats.ts';
import { adminAgent, call, expect, target, type Target } from './api/http.ts';
import { startLoad, type Plan } from './api/load.ts';

const ITEMS = 200;
const CRDS = 20;
const CONCURRENCIES = [1, 32];
const GROUP = 'bench.example.com';

function crd(group: string, plural: string, kind: string): Record<string, unknown> {
  const item = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { type: 'string', enum: ['TCP', 'UDP'], default: 'TCP' } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind },
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { color: { type: 'string' }, ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item } } } } } },
      }],
    },
  };
}

const ports = Array.from({ length: ITEMS }, (_, i) => ({ name: `port-${i}`, port: 1000 + i, protocol: 'TCP' }));
const widget = (ns: string, name: string) => ({ apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name, namespace: ns }, spec: { color: 'red', ports } });

const KUBECTL_UA = 'kubectl/v1.35.0 (linux/amd64) kubernetes/bench';

async function waitEstablished(t: Target, name: string): Promise<void> {
  for (;;) {
    const r = await call(t, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const conds = (JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
    if (conds.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((res) => setTimeout(res, 5));
  }
}

export async function benchCrd(opts: { ops?: number; clients?: number[] } = {}): Promise<void> {
  const ops = opts.ops ?? 1000;
  const concurrencies = opts.clients?.length ? opts.clients : CONCURRENCIES;
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-crd-'));
  const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  const server = await startApiServer({ dataDir: join(dir, 'server'), port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const load = await startLoad(pki);
  const setup = target(adminAgent(pki, 8), server.url);
  try {
    await expect(setup, 201, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd(GROUP, 'widgets', 'Widget')));
    await waitEstablished(setup, `widgets.${GROUP}`);
    const size = JSON.stringify(widget('x', 'w-00000')).length;
    const rows: string[][] = [];
    for (const c of concurrencies) {
      const ns = `crd-${c}`;
      await expect(setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
      // The ConfigMap carries the same ports as data of the same serialized size.
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-{i}', namespace: ns }, data: Object.fromEntries(ports.map((p) => [p.name, `${p.port}/${p.protocol}`.padEnd(24, '.')])) };
      // Creates carry a User-Agent as every real client's do (kubectl's here): kubets, as
      // upstream, names the field manager after it, so they record managedFields as the
      // apply does, and the three rows store objects of the same shape.
      const headers = { 'User-Agent': KUBECTL_UA };
      // Each run with the apiserver thread's CPU over it, per object.
      const measured = async (plan: Plan & { kind: 'requests' }) => {
        const cpu0 = mainThreadCpuMs();
        const r = await load.run(plan);
        return { figures: r.figures, cpuMs: (mainThreadCpuMs() - cpu0) / ops };
      };
      const cmRun = await measured({ kind: 'requests', url: server.url, method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: JSON.stringify(cm), headers, want: 201, ops, concurrency: c });
      const crRun = await measured({ kind: 'requests', url: server.url, method: 'POST', path: `/apis/${GROUP}/v1/namespaces/${ns}/widgets`, body: JSON.stringify(widget(ns, 'w-{i}')), headers, want: 201, ops, concurrency: c });
      const applyBody = JSON.stringify({ ...widget(ns, 'a-{i}'), spec: { color: 'blue', ports } });
      const apRun = await measured({ kind: 'requests', url: server.url, method: 'PATCH', path: `/apis/${GROUP}/v1/namespaces/${ns}/widgets/a-{i}?fieldManager=bench`, body: applyBody, headers: { 'Content-Type': 'application/apply-patch+yaml', 'User-Agent': KUBECTL_UA }, want: 201, ops, concurrency: c });
      const ref = cmRun.figures.opsPerSec;
      const row = (what: string, run: { figures: RunFigures; cpuMs: number }, aim: string) => {
        const f = run.figures;
        return [what, String(c), fmt(f.opsPerSec), fmt(f.p50Ms, 1), fmt(f.p99Ms, 1), ref && aim ? `${fmt(f.opsPerSec / ref, 2)}x` : '', aim, fmt(run.cpuMs, 2), aim && run.cpuMs ? `${fmt(cmRun.cpuMs / run.cpuMs, 2)}x` : ''];
      };
      rows.push(row('ConfigMap create, same size (reference)', cmRun, ''), row('Widget create (200-item list map)', crRun, '>= 0.7x'), row('Widget server-side apply (creates)', apRun, '>= 0.7x'));
    }
    const load1 = loadavg()[0]!.toFixed(1);
    printTable(`bench/crd: ${ops} objects per run (~${fmt(size / 1024, 1)} KiB each), durable sqlite, load average ${load1}`, ['what', 'clients', 'ops/s', 'p50 ms', 'p99 ms', 'ratio', 'aim', 'server CPU ms/op', 'CPU ratio'], rows);

    const times: number[] = [];
    await expect(setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'first' } }));
    for (let i = 0; i < CRDS; i++) {
      const group = `g${i}.bench.example.com`;
      const t0 = performance.now();
      await expect(setup, 201, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd(group, 'gadgets', 'Gadget')));
      await waitEstablished(setup, `gadgets.${group}`);
      const body = JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'first' }, spec: { color: 'red' } });
      for (;;) {
        const r = await call(setup, 'POST', `/apis/${group}/v1/namespaces/first/gadgets`, body);
        if (r.status === 201) break;
        if (r.status !== 404) throw new Error(`first Gadget: HTTP ${r.status} ${r.body.slice(0, 200)}`);
      }
      times.push(performance.now() - t0);
    }
    const sorted = [...times].sort((a, b) => a - b);
    printTable(`bench/crd: CRD create -> Established -> first object created, ${CRDS} CRDs one after another`, ['p50 ms', 'p99 ms', 'max ms', 'aim'], [[fmt(percentile(sorted, 50), 1), fmt(percentile(sorted, 99), 1), fmt(sorted[sorted.length - 1]!, 1), 'p99 < 1000']]);
  } finally {
    await load.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
