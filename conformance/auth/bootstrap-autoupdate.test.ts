// Bootstrap RBAC kept current across restarts (upgrades), black-box: roles and bindings an
// admin stripped come back at the next start, unless annotated autoupdate "false".

import test from 'ava';
import { availableKubectls, kubectl, startKubets } from '../harness.ts';

test('a restart restores stripped bootstrap rules and subjects; autoupdate "false" is left alone', async (t) => {
  const [tool] = await availableKubectls();
  const k = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
  const run = async (args: string[]) => {
    const r = await kubectl(tool!.path, k.kubeconfig, args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const canI = (args: string[]) => kubectl(tool!.path, k.kubeconfig, ['auth', 'can-i', ...args]).then((r) => r.stdout.trim());
  try {
    t.is(await canI(['create', 'pods', '--subresource=binding', '--as', 'system:kube-scheduler']), 'yes');
    await run(['patch', 'clusterrole', 'system:kube-scheduler', '--type=json', '-p', '[{"op":"replace","path":"/rules","value":[]}]']);
    await run(['patch', 'clusterrolebinding', 'system:kube-scheduler', '--type=json', '-p', '[{"op":"replace","path":"/subjects","value":[]}]']);
    await run(['annotate', '--overwrite', 'clusterrole', 'system:node-proxier', 'rbac.authorization.kubernetes.io/autoupdate=false']);
    await run(['patch', 'clusterrole', 'system:node-proxier', '--type=json', '-p', '[{"op":"replace","path":"/rules","value":[]}]']);
    t.is(await canI(['create', 'pods', '--subresource=binding', '--as', 'system:kube-scheduler']), 'no');
    await k.restart();
    t.is(await canI(['create', 'pods', '--subresource=binding', '--as', 'system:kube-scheduler']), 'yes', 'rules and subject are back');
    t.is(await run(['get', 'clusterrolebinding', 'system:kube-scheduler', '-o', 'jsonpath={.subjects[*].name}']), 'system:kube-scheduler');
    t.is(await run(['get', 'clusterrole', 'system:node-proxier', '-o', 'jsonpath={.rules}']), '[]', 'opted out: still empty');
  } finally {
    await k.stop();
  }
});
