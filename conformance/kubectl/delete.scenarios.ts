// Removing and waiting: delete (by name, by selector, --all, --wait), wait --for, and diff.

import { configMapYaml, deploymentYaml, errLines, type Scenario } from './suite.ts';

/** kubectl v1.35 names the namespace in delete's confirmation; v1.32 does not. */
function deleted(minor: number, what: string, ns: string): string {
  return minor >= 35 ? `${what} deleted from ${ns} namespace` : `${what} deleted`;
}

export const deleteScenarios: Scenario[] = [
  {
    title: 'delete by name, by label selector, --all and --wait',
    id: 'delete',
    async run({ t, ok, run, ns, minor, tool }) {
      for (const n of ['a', 'b', 'c', 'd']) await ok(['create', 'configmap', n]);
      await ok(['label', 'cm', 'b', 'c', 'group=x']);
      t.is((await ok(['delete', 'configmap', 'a'])).trim(), deleted(minor, 'configmap "a"', ns), tool.name);
      t.deepEqual((await ok(['delete', 'cm', '-l', 'group=x'])).trim().split('\n'), [deleted(minor, 'configmap "b"', ns), deleted(minor, 'configmap "c"', ns)]);
      t.is(await ok(['get', 'cm', '-o', 'name']), 'configmap/d\n');
      await ok(['create', 'deployment', 'web', '--image=nginx:1.27']);
      t.is((await ok(['delete', 'deployment', 'web', '--wait=true'])).trim(), deleted(minor, 'deployment.apps "web"', ns));
      t.is((await ok(['delete', 'cm', '--all', '--wait'])).trim(), deleted(minor, 'configmap "d"', ns));
      const none = await run(['get', 'cm,deploy']);
      t.is(none.stdout, '');
      t.deepEqual(errLines(none), [`No resources found in ${ns} namespace.`]);
      const again = await run(['delete', 'configmap', 'a']);
      t.is(again.code, 1);
      t.deepEqual(errLines(again), ['Error from server (NotFound): configmaps "a" not found']);
      t.is((await ok(['delete', 'configmap', 'a', '--ignore-not-found'])).trim(), '');
      // Server-side dry run deletes nothing.
      await ok(['create', 'configmap', 'kept']);
      t.is((await ok(['delete', 'cm', 'kept', '--dry-run=server'])).trim(), `${deleted(minor, 'configmap "kept"', ns)} (server dry run)`);
      t.is(await ok(['get', 'cm', '-o', 'name']), 'configmap/kept\n');
    },
  },
  {
    title: 'wait --for=jsonpath and --for=delete return when the change lands, and time out otherwise',
    id: 'wait',
    async run({ t, ok, run, tool }) {
      await ok(['create', 'configmap', 'flag', '--from-literal=state=pending']);
      t.is((await ok(['wait', '--for=jsonpath={.data.state}=pending', 'cm/flag', '--timeout=10s'])).trim(), 'configmap/flag condition met', tool.name);
      const waiting = run(['wait', '--for=jsonpath={.data.state}=done', 'cm/flag', '--timeout=30s']);
      await new Promise((r) => setTimeout(r, 300));
      await ok(['patch', 'cm', 'flag', '--type=merge', '-p', '{"data":{"state":"done"}}']);
      const met = await waiting;
      t.is(met.code, 0, met.stderr);
      t.is(met.stdout.trim(), 'configmap/flag condition met');

      // A finalizer holds the object while wait starts; removing it lets the deletion finish.
      await ok(['create', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n' });
      await ok(['delete', 'cm', 'held', '--wait=false']);
      t.regex(await ok(['get', 'cm', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']), /^\d{4}-/);
      const gone = run(['wait', '--for=delete', 'cm/held', '--timeout=30s']);
      await new Promise((r) => setTimeout(r, 1500));
      await ok(['patch', 'cm', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      const done = await gone;
      t.is(done.code, 0, done.stderr);
      t.is(done.stdout.trim(), 'configmap/held condition met');
      t.is((await run(['get', 'cm', 'held'])).code, 1, 'gone once the last finalizer went');

      await ok(['create', 'configmap', 'still']);
      const late = await run(['wait', '--for=jsonpath={.data.x}=y', 'cm/still', '--timeout=1s']);
      t.is(late.code, 1);
      t.deepEqual(errLines(late), ['error: timed out waiting for the condition on configmaps/still']);
    },
  },
  {
    title: 'diff exits 1 and prints a unified diff when the live object differs, 0 when not',
    id: 'diff',
    async run({ t, ok, run, ns, tool }) {
      const v1 = deploymentYaml('app', { replicas: 1, tier: 'one', env: 'a' });
      await ok(['apply', '-f', '-'], { stdin: v1 });
      const same = await run(['diff', '-f', '-'], { stdin: v1 });
      t.is(same.code, 0, `${tool.name}: ${same.stderr}`);
      t.is(same.stdout, '');

      const changed = await run(['diff', '-f', '-'], { stdin: deploymentYaml('app', { replicas: 2, tier: 'one', env: 'b' }) });
      t.is(changed.code, 1, changed.stderr);
      t.regex(changed.stdout, new RegExp(`^diff -u -N \\S+/apps\\.v1\\.Deployment\\.${ns}\\.app \\S+/apps\\.v1\\.Deployment\\.${ns}\\.app$`, 'm'));
      t.regex(changed.stdout, /^-  replicas: 1\n\+  replicas: 2$/m);
      t.regex(changed.stdout, /^- {10}value: a\n\+ {10}value: b$/m);
      // diff is a server-side dry run: the live object is unchanged.
      t.is(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.replicas}']), '1');

      const fresh = await run(['diff', '-f', '-'], { stdin: configMapYaml('newcomer', { a: '1' }) });
      t.is(fresh.code, 1);
      t.regex(fresh.stdout, /^\+kind: ConfigMap$/m);
      t.is((await run(['get', 'cm', 'newcomer'])).code, 1, 'nothing was created');
    },
  },
];
