// The node agent itself: static pods from its manifest folder, a restart of the agent
// (killed outright) that adopts the running pods instead of restarting them and keeps the
// identity its bootstrap-token join gave it, and containerd killed under it.

import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apply, phase, podManifest } from './pods.scenarios.ts';
import type { NodeScenario } from './scenario.ts';

export const agentScenarios: NodeScenario[] = [
  {
    title: 'a static pod manifest becomes a mirror pod <name>-<node> that runs; removing the file removes it',
    id: 'static-pod',
    timeoutMs: 180_000,
    async run(c) {
      const dir = join(c.agentDir, 'manifests');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `static-${c.ns}.yaml`);
      writeFileSync(file, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${c.ns}\nspec:\n  containers:\n  - name: c\n    image: ${c.image}\n`);
      const name = `web-${c.node}`;
      await c.waitFor(`mirror pod ${name}`, async () => ((await c.run(['get', 'pod', name])).code === 0 ? true : undefined), 60_000);
      await phase(c, name, 'Running');
      const ann = await c.ok(['get', 'pod', name, '-o', `jsonpath={.metadata.annotations.kubernetes\\.io/config\\.source}`]);
      c.t.is(ann, 'file');
      rmSync(file);
      await c.waitFor(`mirror pod ${name} gone`, async () => ((await c.run(['get', 'pod', name])).code !== 0 ? true : undefined), 90_000);
    },
  },
  {
    title: 'the agent joined with a bootstrap token, killed (SIGKILL) and started again without it keeps its identity and adopts running pods: same container, no restart',
    id: 'adopt',
    exclusive: true,
    timeoutMs: 180_000,
    async run(c) {
      await apply(c, podManifest(c, 'keep', { containers: [{ name: 'c', image: c.image }] }));
      const before = await phase(c, 'keep', 'Running');
      const id = (before as unknown as { containerID: string }).containerID;
      // The join: one client CSR, asked for with the bootstrap token, for system:node:<node>.
      const clientCsrs = async () => {
        const list = JSON.parse(await c.ok(['get', 'csr', '-o', 'json'])) as { items: { spec: { signerName: string; username: string } }[] };
        return list.items.filter((x) => x.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet');
      };
      const joined = await clientCsrs();
      c.t.is(joined.length, 1, 'one client certificate request');
      c.t.regex(joined[0].spec.username, /^system:bootstrap:[a-z0-9]{6}$/, 'asked for with the bootstrap token');
      const nodeUid = await c.ok(['get', 'node', c.node, '-o', 'jsonpath={.metadata.uid}']);
      await c.restartAgent('SIGKILL');
      c.t.is((await clientCsrs()).length, 1, 'no new join: the restarted agent (no --token) reuses its certificate');
      c.t.is(await c.ok(['get', 'node', c.node, '-o', 'jsonpath={.metadata.uid}']), nodeUid, 'the same Node');
      // Give the new agent a few relists to (wrongly) restart anything.
      await new Promise((r) => setTimeout(r, 5000));
      const after = (await c.pod('keep')).status.containerStatuses![0] as unknown as { containerID: string; restartCount: number; state: { running?: unknown } };
      c.t.is(after.containerID, id);
      c.t.is(after.restartCount, 0);
      c.t.true(!!after.state.running, 'still running');
      await c.ok(['delete', 'pod', 'keep', '--timeout=60s'], { timeoutMs: 70_000 });
    },
  },
  {
    title: 'containerd killed (SIGKILL) mid-run: the agent starts it again and the running pod goes on, same container, no restart; exec and new pods work',
    id: 'containerd-restart',
    exclusive: true,
    timeoutMs: 180_000,
    async run(c) {
      await apply(c, podManifest(c, 'survivor', { containers: [{ name: 'c', image: c.image, command: ['sleep', '3600'] }] }));
      const before = (await phase(c, 'survivor', 'Running')) as unknown as { containerID: string };
      const pidFile = join(c.agentDir, 'containerd', 'containerd.pid');
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      const alive = (p: number) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      };
      const again = await c.waitFor('containerd started again by the agent', async () => {
        const now = Number(readFileSync(pidFile, 'utf8').trim());
        return now !== pid && alive(now) ? now : undefined;
      }, 60_000);
      c.t.log(`containerd ${pid} killed; the agent started ${again}`);
      // A few relists against the new daemon, which must not restart anything.
      await new Promise((r) => setTimeout(r, 5000));
      const after = (await c.pod('survivor')).status.containerStatuses![0] as unknown as { containerID: string; restartCount: number; state: { running?: unknown }; ready: boolean };
      c.t.is(after.containerID, before.containerID);
      c.t.is(after.restartCount, 0);
      c.t.true(!!after.state.running, 'still running');
      c.t.is((await c.ok(['exec', 'survivor', '--', 'echo', 'reattached'], { timeoutMs: 30_000 })).trim(), 'reattached');
      await apply(c, podManifest(c, 'fresh', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, command: ['true'] }] }));
      await phase(c, 'fresh', 'Succeeded');
      await c.ok(['delete', 'pod', 'survivor', 'fresh', '--timeout=60s'], { timeoutMs: 70_000 });
    },
  },
  {
    title: 'a postStart hook runs before the container counts as started; one that fails kills it (FailedPostStartHook)',
    id: 'poststart',
    async run(c) {
      const hook = (cmd: string) => ({ postStart: { exec: { command: ['sh', '-c', cmd] } } });
      await apply(c, podManifest(c, 'hooked', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, lifecycle: hook('echo hooked > /tmp/h'), command: ['sh', '-c', 'sleep 2; cat /tmp/h > /dev/termination-log'] }] }));
      await apply(c, podManifest(c, 'broken', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, lifecycle: hook('exit 3'), command: ['sleep', '3600'] }] }));
      const done = await phase(c, 'hooked', 'Succeeded');
      c.t.is(done.state.terminated?.message, 'hooked\n');
      await phase(c, 'broken', 'Failed');
      await c.waitFor('FailedPostStartHook', async () => ((await c.events()).some((e) => e.startsWith('FailedPostStartHook: PostStartHook failed')) ? true : undefined), 20_000);
    },
  },
];
