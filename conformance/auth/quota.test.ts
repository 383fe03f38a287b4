// ResourceQuota and LimitRanger through kubectl against a kubets with its controllers (the
// quota controller keeps status.used, the serviceaccount controller makes `default`):
// over-quota creates refused with upstream's message, object-count quotas, usage going down
// when objects go, LimitRange defaults written into pods and bounds refused.

import test from 'ava';
import { availableKubectls, kubectl, startKubets, type Kubets } from '../harness.ts';

let kubets: Kubets | undefined;
let tool = '';
test.before(async () => {
  tool = (await availableKubectls())[0]!.path;
  kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'scheduler,cloud-controller-manager'] });
});
test.after.always(async () => {
  await kubets?.stop();
});
const k = (args: string[], stdin?: string) => kubectl(tool, kubets!.kubeconfig, args, { stdin });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
const used = async (ns: string, q: string) => {
  const r = await k(['get', 'resourcequota', q, '-n', ns, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as { status?: { used?: Record<string, string> } }).status?.used : undefined;
};
async function namespace(ns: string): Promise<void> {
  if ((await k(['create', 'namespace', ns])).code !== 0) throw new Error(`namespace ${ns}`);
  await until(`${ns}/default`, async () => ((await k(['get', 'serviceaccount', 'default', '-n', ns])).code === 0 ? true : undefined));
}

test('pods and deployments past their quota are refused with upstream message; usage follows deletes', async (t) => {
  const ns = 'quota';
  await namespace(ns);
  const q = await k(['create', 'quota', 'q', '--hard=pods=2,count/deployments.apps=1', '-n', ns]);
  t.is(q.code, 0, q.stderr);
  await until('quota status', async () => (await used(ns, 'q'))?.pods === '0' || undefined);
  for (const p of ['p1', 'p2']) {
    const r = await k(['run', p, '--image=busybox', '-n', ns]);
    t.is(r.code, 0, r.stderr);
  }
  const over = await k(['run', 'p3', '--image=busybox', '-n', ns]);
  t.is(over.code, 1);
  t.is(over.stderr.trim(), 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  t.not((await k(['get', 'pod', 'p3', '-n', ns])).code, 0, 'nothing was written');

  t.is((await k(['create', 'deployment', 'd1', '--image=busybox', '--replicas=0', '-n', ns])).code, 0);
  const d2 = await k(['create', 'deployment', 'd2', '--image=busybox', '--replicas=0', '-n', ns]);
  t.is(d2.stderr.trim(), 'error: failed to create deployment: deployments.apps "d2" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1');

  t.is((await k(['delete', 'pod', 'p1', '-n', ns, '--wait=false'])).code, 0);
  await until('usage to drop', async () => {
    const u = await used(ns, 'q');
    return u?.pods === '1' || undefined;
  });
  const again = await k(['run', 'p3', '--image=busybox', '-n', ns]);
  t.is(again.code, 0, again.stderr);
});

test('compute quotas: requests and limits are charged, and a pod must state them', async (t) => {
  const ns = 'compute';
  await namespace(ns);
  t.is((await k(['create', 'quota', 'cq', '--hard=requests.cpu=1,limits.memory=1Gi', '-n', ns])).code, 0);
  await until('quota status', async () => (await used(ns, 'cq'))?.['requests.cpu'] === '0' || undefined);
  const bare = await k(['run', 'bare', '--image=busybox', '-n', ns]);
  t.is(bare.stderr.trim(), 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: cq: must specify limits.memory for: bare; requests.cpu for: bare');
  const pod = (name: string, cpu: string, mem: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu }, limits: { memory: mem } } }] } });
  t.is((await k(['create', '-n', ns, '-f', '-'], pod('a', '600m', '512Mi'))).code, 0);
  const b = await k(['create', '-n', ns, '-f', '-'], pod('b', '600m', '256Mi'));
  t.is(b.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "b" is forbidden: exceeded quota: cq, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1');
  const u = await until('usage', async () => ((await used(ns, 'cq'))?.['limits.memory'] === '512Mi' ? used(ns, 'cq') : undefined));
  t.deepEqual(u, { 'limits.memory': '512Mi', 'requests.cpu': '600m' });
});

test('a LimitRange fills container defaults and refuses what is out of bounds', async (t) => {
  const ns = 'limits';
  await namespace(ns);
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } };
  t.is((await k(['create', '-n', ns, '-f', '-'], JSON.stringify(lr))).code, 0);
  t.is((await k(['run', 'web', '--image=busybox', '-n', ns])).code, 0);
  const p = JSON.parse((await k(['get', 'pod', 'web', '-n', ns, '-o', 'json'])).stdout) as { metadata: { annotations: Record<string, string> }; spec: { containers: { resources: unknown }[] } };
  t.deepEqual(p.spec.containers[0]!.resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  t.is(p.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web');
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big' }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '2' } } }] } });
  const r = await k(['create', '-n', ns, '-f', '-'], big);
  t.is(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
});
