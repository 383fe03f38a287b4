// The node agent itself: static pods from its manifest folder, and a restart of the agent
// (killed outright) that adopts the running pods instead of restarting them.

import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
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
    title: 'the agent killed (SIGKILL) and started again adopts running pods: same container, no restart',
    id: 'adopt',
    exclusive: true,
    timeoutMs: 180_000,
    async run(c) {
      await apply(c, podManifest(c, 'keep', { containers: [{ name: 'c', image: c.image }] }));
      const before = await phase(c, 'keep', 'Running');
      const id = (before as unknown as { containerID: string }).containerID;
      await c.restartAgent('SIGKILL');
      // Give the new agent a few relists to (wrongly) restart anything.
      await new Promise((r) => setTimeout(r, 5000));
      const after = (await c.pod('keep')).status.containerStatuses![0] as unknown as { containerID: string; restartCount: number; state: { running?: unknown } };
      c.t.is(after.containerID, id);
      c.t.is(after.restartCount, 0);
      c.t.true(!!after.state.running, 'still running');
      await c.ok(['delete', 'pod', 'keep', '--timeout=60s'], { timeoutMs: 70_000 });
    },
  },
];
