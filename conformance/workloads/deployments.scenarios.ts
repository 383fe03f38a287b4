// Deployments driven by kubectl against the in-process controller-manager and scheduler and
// simulated nodes: create and rollout status, set image and undo with history, scale to zero
// and back, and cascading deletion by the garbage collector.

import { pods, running, type Ctx, type Scenario } from './suite.ts';

/** The ReplicaSets of the namespace: name, desired replicas, image of the first container. */
async function replicaSets(c: Ctx): Promise<{ name: string; replicas: number; image: string; revision: string }[]> {
  const jp =
    '{range .items[*]}{.metadata.name} {.spec.replicas} {.spec.template.spec.containers[0].image} ' +
    '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}{end}';
  const out = await c.ok(['get', 'replicasets', '-o', `jsonpath=${jp}`]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name, replicas, image, revision] = l.split(' ');
      return { name, replicas: Number(replicas), image, revision: revision ?? '' };
    });
}

/** Waits until exactly `n` Running pods of app=<name> run `image` and nothing else is left. */
async function settled(c: Ctx, name: string, n: number, timeoutMs = 60_000) {
  return c.waitFor(
    `${n} Running pods of deployment ${name} and no others`,
    async () => {
      const all = await pods(c, `app=${name}`);
      const up = running(all);
      return up.length === n && all.length === n ? up : undefined;
    },
    timeoutMs,
  );
}

const rollout = (c: Ctx, name: string) => c.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 75_000 });

export const deploymentScenarios: Scenario[] = [
  {
    title: 'create deployment: 3 Running pods with IPs spread over the nodes; rollout status succeeds',
    id: 'deploy-create',
    bothVersions: true,
    async run(c) {
      await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
      const status = await rollout(c, 'web');
      c.t.regex(status, /deployment "web" successfully rolled out/);
      const up = await settled(c, 'web', 3);
      c.t.is(new Set(up.map((p) => p.ip)).size, 3, `distinct pod IPs: ${JSON.stringify(up)}`);
      // Upstream spreads by scoring (least allocated, balanced), not by a hard rule; with
      // other scenarios scheduling at the same time, ask for at least two nodes.
      const nodes = new Set(up.map((p) => p.node));
      c.t.true(nodes.size >= 2, `pods on ${[...nodes].join(', ')}`);
      c.t.true([...nodes].every((n) => n.startsWith('sim-node-')), [...nodes].join(', '));
      const ready = await c.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}/{.status.availableReplicas}/{.status.updatedReplicas}']);
      c.t.is(ready, '3/3/3');
    },
  },
  {
    title: 'set image rolls out a new ReplicaSet; rollout undo rolls back; history shows the revisions',
    id: 'deploy-undo',
    // kubectl v1.32's undo sends the template with metadata.creationTimestamp: null; the
    // deployment controller compares templates as Go would (null = absent) and scales
    // revision 1 back up rather than making a third ReplicaSet.
    bothVersions: true,
    async run(c) {
      await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
      await rollout(c, 'web');
      const [first] = await replicaSets(c);
      c.t.is(first.revision, '1');

      await c.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
      await rollout(c, 'web');
      const afterSet = await replicaSets(c);
      c.t.is(afterSet.length, 2, JSON.stringify(afterSet));
      const second = afterSet.find((r) => r.name !== first.name)!;
      c.t.like(second, { image: 'nginx:1.27', replicas: 3, revision: '2' });
      c.t.like(afterSet.find((r) => r.name === first.name), { replicas: 0 });
      const images = (await settled(c, 'web', 3)).map((p) => p.owner);
      c.t.deepEqual(new Set(images), new Set([second.name]), 'every pod belongs to the new ReplicaSet');

      const history = await c.ok(['rollout', 'history', 'deployment/web']);
      c.t.regex(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
      const rev2 = await c.ok(['rollout', 'history', 'deployment/web', '--revision=2']);
      c.t.regex(rev2, /Image:\s+nginx:1\.27/);

      const undo = await c.ok(['rollout', 'undo', 'deployment/web']);
      c.t.regex(undo, /deployment.apps\/web rolled back/);
      await rollout(c, 'web');
      const afterUndo = await replicaSets(c);
      c.t.like(afterUndo.find((r) => r.name === first.name), { image: 'nginx', replicas: 3, revision: '3' }, JSON.stringify(afterUndo));
      c.t.like(afterUndo.find((r) => r.name === second.name), { replicas: 0 });
      const owners = (await settled(c, 'web', 3)).map((p) => p.owner);
      c.t.deepEqual(new Set(owners), new Set([first.name]), 'every pod is back on the first ReplicaSet');
      const image = await c.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
      c.t.is(image, 'nginx');
      // Revision 1 became 3: upstream never lists one template twice.
      c.t.regex(await c.ok(['rollout', 'history', 'deployment/web']), /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    },
  },
  {
    title: 'scale to 0 removes every pod; scaling back to 3 brings 3 Running pods',
    id: 'deploy-scale',
    async run(c) {
      await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
      await rollout(c, 'web');
      const rs = (await replicaSets(c))[0].name;
      c.t.regex(await c.ok(['scale', 'deployment/web', '--replicas=0']), /deployment.apps\/web scaled/);
      await c.waitFor('no pods left after scale to 0', async () => ((await pods(c, 'app=web')).length === 0 ? true : undefined));
      c.t.is(await c.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}/{.status.replicas}']), '0/0');
      await c.ok(['scale', 'deployment/web', '--replicas=3']);
      await rollout(c, 'web');
      const up = await settled(c, 'web', 3);
      c.t.deepEqual(new Set(up.map((p) => p.owner)), new Set([rs]), 'the same ReplicaSet scales back up');
    },
  },
  {
    title: 'deleting a deployment removes its ReplicaSets and pods (garbage collector)',
    id: 'deploy-gc',
    async run(c) {
      await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
      await rollout(c, 'web');
      await c.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
      await rollout(c, 'web');
      c.t.is((await replicaSets(c)).length, 2);
      await c.ok(['delete', 'deployment', 'web']);
      await c.waitFor('no ReplicaSets left', async () => ((await replicaSets(c)).length === 0 ? true : undefined));
      await c.waitFor('no pods left', async () => ((await pods(c)).length === 0 ? true : undefined));
    },
  },
];
