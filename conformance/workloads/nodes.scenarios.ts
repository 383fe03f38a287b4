// Scheduling and node life with kubectl: a pod that fits nowhere, cordon and drain under a
// PodDisruptionBudget, a simulated node that stops (NotReady, its pods replaced elsewhere),
// and a namespace whose deletion takes everything in it.

import { pods, running, type Ctx, type Scenario } from './suite.ts';

const rollout = (c: Ctx, name: string) => c.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 75_000 });

/** The taint that keeps every other scenario's pods off the node that will stop. */
export const STOP_TAINT = 'kubets.io/scenario=node-stop';

/**
 * A Deployment whose pods tolerate STOP_TAINT, prefer `node`, and leave an unreachable node
 * after 5 s instead of 300 s.
 */
function pinnedDeploymentYaml(name: string, replicas: number, node: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference:
              matchExpressions:
              - {key: kubernetes.io/hostname, operator: In, values: [${node}]}
      tolerations:
      - {key: kubets.io/scenario, operator: Equal, value: node-stop, effect: NoSchedule}
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
      containers:
      - {name: web, image: nginx}
`;
}

export const nodeScenarios: Scenario[] = [
  {
    title: 'a pod that fits no node stays Pending with a FailedScheduling event naming Insufficient cpu',
    id: 'sched-fail',
    async run(c) {
      const pod = `apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers:
  - name: c
    image: nginx
    resources: {requests: {cpu: "1000"}}
`;
      await c.ok(['apply', '-f', '-'], { stdin: pod });
      const message = await c.waitFor('a FailedScheduling event for pod huge', async () => {
        const out = await c.ok(['get', 'events', '--field-selector', 'involvedObject.name=huge,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
        return out || undefined;
      });
      c.t.regex(message, /^0\/\d+ nodes are available: /);
      c.t.regex(message, /Insufficient cpu/);
      const [p] = await pods(c);
      c.t.like(p, { name: 'huge', phase: 'Pending', node: '' });
      c.t.regex(await c.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}']), /^Unschedulable$/);
      c.t.regex(await c.ok(['describe', 'pod', 'huge']), /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/\d+ nodes are available: .*Insufficient cpu/);
    },
  },
  {
    title: 'preemption: a pod of higher priority that fits nowhere evicts a lower one (a Preempted event), is nominated to its node and runs there',
    id: 'preempt',
    timeoutMs: 120_000,
    async run(c) {
      // 6 of a node's 8 cpu each: the two cannot share it, whatever else runs there. Both
      // tolerate a cordon (the drain scenario may cordon any node meanwhile); the high one is
      // pinned to the node the low one got.
      const pod = (name: string, priorityClass: string, node?: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  priorityClassName: ${priorityClass}
  ${node ? `nodeSelector: {kubernetes.io/hostname: ${node}}` : ''}
  tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: nginx, resources: {requests: {cpu: "6"}}}
`;
      await c.ok(['apply', '-f', '-'], {
        stdin: `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: preempt-low}
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: preempt-high}
value: 1000
`,
      });
      await c.ok(['apply', '-f', '-'], { stdin: pod('low', 'preempt-low') });
      const node = await c.waitFor('low Running', async () => (await pods(c)).find((p) => p.name === 'low' && p.phase === 'Running')?.node || undefined);
      const lowUid = await c.ok(['get', 'pod', 'low', '-o', 'jsonpath={.metadata.uid}']);
      await c.ok(['apply', '-f', '-'], { stdin: pod('high', 'preempt-high', node) });
      const where = await c.waitFor('high Running on the node', async () => {
        const rows = await pods(c);
        const high = rows.find((p) => p.name === 'high');
        return high?.phase === 'Running' && !rows.some((p) => p.name === 'low') ? high.node : undefined;
      }, 90_000);
      c.t.is(where, node);
      c.t.is(await c.ok(['get', 'pod', 'high', '-o', 'jsonpath={.status.nominatedNodeName}']), node);
      const highUid = await c.ok(['get', 'pod', 'high', '-o', 'jsonpath={.metadata.uid}']);
      const preempted = await c.ok(['get', 'events', '--field-selector', `involvedObject.uid=${lowUid},reason=Preempted`, '-o', 'jsonpath={.items[*].message}']);
      c.t.is(preempted, `Preempted by pod ${highUid} on node ${node}`);
      const failed = await c.ok(['get', 'events', '--field-selector', 'involvedObject.name=high,reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}']);
      c.t.regex(failed, /^0\/\d+ nodes are available: .*1 Insufficient cpu/);
      // A class that does not exist: the Priority admission plugin refuses the pod.
      const missing = await c.run(['apply', '-f', '-'], { stdin: pod('orphan', 'preempt-missing') });
      c.t.is(missing.code, 1);
      c.t.regex(missing.stderr, /pods "orphan" is forbidden: no PriorityClass with name preempt-missing was found/);
      await c.ok(['delete', 'pod', 'high', '--wait=false']);
      await c.ok(['delete', 'priorityclass', 'preempt-low', 'preempt-high']);
    },
  },
  {
    title: 'cordon and drain move pods to other nodes, one eviction at a time under a PodDisruptionBudget',
    id: 'drain',
    bothVersions: true,
    timeoutMs: 180_000,
    async run(c) {
      await c.ok(['create', 'deployment', 'app', '--image=nginx', '--replicas=3']);
      await c.ok(['create', 'poddisruptionbudget', 'app', '--selector=app=app', '--min-available=2']);
      await rollout(c, 'app');
      await c.waitFor('the disruption controller allows 1 disruption', async () => {
        const s = await c.ok(['get', 'pdb', 'app', '-o', 'jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.disruptionsAllowed}']);
        return s === '3/2/1' ? s : undefined;
      });
      // Drain the node that holds most of this namespace's pods (one of the file's three: the
      // node-stop scenario owns its extra node).
      const before = running(await pods(c, 'app=app'));
      const count = new Map<string, number>();
      for (const p of before) if (p.node.startsWith('sim-node-')) count.set(p.node, (count.get(p.node) ?? 0) + 1);
      const node = [...count].sort((a, b) => b[1] - a[1])[0][0];
      try {
        c.t.regex(await c.ok(['cordon', node]), new RegExp(`node/${node} cordoned`));
        c.t.is(await c.ok(['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}']), 'true');
        // Only this scenario's pods: the file's other scenarios run beside it on the same nodes,
        // and a bare pod of theirs (preemption's) would stop a drain without --force.
        const drained = await c.run(['drain', node, '--pod-selector=app=app', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s'], { timeoutMs: 100_000 });
        c.t.is(drained.code, 0, drained.stderr);
        c.t.regex(drained.stdout, new RegExp(`node/${node} drained`));
        for (const p of before.filter((x) => x.node === node)) c.t.regex(drained.stdout, new RegExp(`pod/${p.name} evicted`));
        const after = await c.waitFor(`3 Running pods of app off ${node}`, async () => {
          const all = await pods(c, 'app=app');
          const up = running(all);
          return up.length === 3 && all.length === 3 && up.every((p) => p.node !== node) ? up : undefined;
        }, 60_000);
        c.t.is(after.length, 3);
        if ((count.get(node) ?? 0) >= 2) {
          // Two pods on the node and minAvailable 2 of 3: the second eviction had to wait.
          c.t.regex(drained.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
        }
      } finally {
        await c.run(['uncordon', node]);
      }
    },
  },
  {
    title: 'a simulated node that stops turns NotReady and its pods are replaced on the other nodes',
    id: 'node-stop',
    timeoutMs: 240_000,
    async run(c) {
      const sim = c.extra;
      if (!sim) throw new Error('node-stop needs the extra simulated node (runWorkloads opts.extra)');
      const node = sim.names[0];
      try {
        await c.ok(['apply', '-f', '-'], { stdin: pinnedDeploymentYaml('web', 2, node) });
        await rollout(c, 'web');
        const before = running(await pods(c, 'app=web'));
        const there = before.filter((p) => p.node === node);
        c.t.true(there.length > 0, `preferred node affinity put no pod on ${node}: ${JSON.stringify(before)}`);
        const others = await c.ok(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={range .items[*]}{.metadata.namespace} {end}']);
        c.t.deepEqual(new Set(others.trim().split(' ')), new Set([c.ns]), `only this scenario's pods run on ${node}`);
        await sim.stop();
        // node-lifecycle: the lease stops, and after its 40 s grace Ready turns Unknown.
        const ready = await c.waitFor(`${node} Ready=Unknown after its lease stopped`, async () => {
          const s = await c.ok(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
          return s === 'Unknown' ? s : undefined;
        }, 75_000);
        c.t.is(ready, 'Unknown');
        c.t.regex(await c.ok(['get', 'nodes', node]), /NotReady/);
        const taints = await c.ok(['get', 'node', node, '-o', 'jsonpath={.spec.taints[*].key}']);
        c.t.regex(taints, /node\.kubernetes\.io\/unreachable/);
        // Taint-based eviction after tolerationSeconds 5; the ReplicaSet replaces the pods.
        const replaced = await c.waitFor(`2 Running pods of web off ${node}`, async () => {
          const up = running(await pods(c, 'app=web'));
          return up.length === 2 && up.every((p) => p.node !== node) ? up : undefined;
        }, 45_000);
        c.t.is(replaced.length, 2);
        const old = (await pods(c, 'app=web')).filter((p) => there.some((t) => t.name === p.name));
        c.t.true(old.every((p) => p.terminating), `evicted pods are being deleted: ${JSON.stringify(old)}`);
      } finally {
        await sim.stop();
        await c.run(['delete', 'node', node, '--wait=false']);
      }
    },
  },
  {
    title: 'deleting a namespace removes everything in it, then the namespace itself',
    id: 'ns-delete',
    async run(c) {
      await c.ok(['create', 'deployment', 'd', '--image=nginx', '--replicas=2']);
      await c.ok(['create', 'configmap', 'c', '--from-literal=a=b']);
      await c.ok(['create', 'service', 'clusterip', 's', '--tcp=80:80']);
      await c.ok(['create', 'poddisruptionbudget', 'p', '--selector=app=d', '--max-unavailable=1']);
      await rollout(c, 'd');
      const del = await c.run(['delete', 'namespace', c.ns, '--timeout=60s'], { timeoutMs: 70_000 });
      c.t.is(del.code, 0, del.stderr);
      await c.waitFor(`namespace ${c.ns} gone`, async () => {
        const r = await c.run(['get', 'namespace', c.ns]);
        return r.code !== 0 && /NotFound/.test(r.stderr) ? true : undefined;
      }, 60_000);
      const left = await c.run(['get', 'all,configmaps,pdb', '-o', 'name']);
      c.t.is(left.stdout.trim(), '', `left in ${c.ns}: ${left.stdout}`);
    },
  },
  {
    title: 'a LoadBalancer Service gets the nodes\' addresses from the cloud controller manager, which runs as system:cloud-controller-manager',
    id: 'ccm-lb',
    async run(c) {
      await c.ok(['create', 'service', 'loadbalancer', 'front', '--tcp=80:8080']);
      const ip = await c.waitFor('an ingress address on Service front', async () => (await c.ok(['get', 'service', 'front', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])) || undefined);
      c.t.regex(ip, /^\d+\.\d+\.\d+\.\d+$/);
      // It is the CCM's own identity, with its own role, that may write a Service's status.
      const can = await c.run(['auth', 'can-i', 'patch', 'services', '--subresource=status', '--as', 'system:cloud-controller-manager']);
      c.t.is(can.stdout.trim(), 'yes');
      const cannot = await c.run(['auth', 'can-i', 'delete', 'secrets', '--as', 'system:cloud-controller-manager']);
      c.t.is(cannot.stdout.trim(), 'no');
    },
  },
];
