// Writing objects: create -f (several documents), client-side apply twice, replace, and the
// imperative `create` generators.

import { configMapYaml, deploymentYaml, errLines, type Scenario } from './suite.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface Deployment {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion: string };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; imagePullPolicy?: string; env?: { name: string; value: string }[] }[] } } };
}

export const applyScenarios: Scenario[] = [
  {
    title: 'create -f with several YAML documents creates each, in order',
    id: 'create-multi',
    async run({ t, ok, run, tool }) {
      const manifest = [
        configMapYaml('settings', { mode: 'fast' }, { app: 'multi' }),
        deploymentYaml('web', { replicas: 1, tier: 'front', env: 'a' }),
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - {port: 80, protocol: TCP}\n',
      ].join('---\n');
      const out = await ok(['create', '-f', '-'], { stdin: manifest });
      t.deepEqual(out.trim().split('\n'), ['configmap/settings created', 'deployment.apps/web created', 'service/web created'], tool.name);
      t.deepEqual((await ok(['get', 'cm,deploy,svc', '-o', 'name'])).trim().split('\n'), [
        'configmap/settings',
        'deployment.apps/web',
        'service/web',
      ]);
      // Creating the same documents again: each one already exists.
      const again = await run(['create', '-f', '-'], { stdin: manifest });
      t.is(again.code, 1);
      t.deepEqual(errLines(again), [
        'Error from server (AlreadyExists): error when creating "STDIN": configmaps "settings" already exists',
        'Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "web" already exists',
        'Error from server (AlreadyExists): error when creating "STDIN": services "web" already exists',
      ]);
    },
  },
  {
    title: 'apply twice with a change between: last-applied annotation and strategic merge keep what others set',
    id: 'apply-twice',
    async run({ t, ok, tool }) {
      const v1 = deploymentYaml('app', { replicas: 1, tier: 'one', env: 'a' });
      t.is((await ok(['apply', '-f', '-'], { stdin: v1 })).trim(), 'deployment.apps/app created', tool.name);
      t.is((await ok(['apply', '-f', '-'], { stdin: v1 })).trim(), 'deployment.apps/app unchanged');
      // Someone else sets a field apply never owned, on one container of the list.
      await ok(['patch', 'deploy', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","imagePullPolicy":"Always"}]}}}}']);
      const v2 = deploymentYaml('app', { replicas: 3, tier: 'two', env: 'b' });
      t.is((await ok(['apply', '-f', '-'], { stdin: v2 })).trim(), 'deployment.apps/app configured');
      const d = JSON.parse(await ok(['get', 'deploy', 'app', '-o', 'json'])) as Deployment;
      t.is(d.spec.replicas, 3);
      t.deepEqual(d.metadata.labels, { tier: 'two' });
      const [main, side] = d.spec.template.spec.containers;
      t.deepEqual(main.env, [{ name: 'MODE', value: 'b' }]);
      t.is(main.imagePullPolicy, 'Always', 'strategic merge by container name kept the other writer\'s field');
      t.is(side.name, 'side');
      const last = JSON.parse(d.metadata.annotations?.[LAST_APPLIED] ?? '{}') as { metadata: { labels: Record<string, string> }; spec: { replicas: number } };
      t.deepEqual(last.metadata.labels, { tier: 'two' });
      t.is(last.spec.replicas, 3);
      // A field dropped from the manifest is removed from the live object (three-way merge).
      const v3 = v2.replace('  labels: {tier: two}\n', '');
      await ok(['apply', '-f', '-'], { stdin: v3 });
      const after = JSON.parse(await ok(['get', 'deploy', 'app', '-o', 'json'])) as Deployment;
      t.is(after.metadata.labels, undefined);
      t.is(after.spec.template.spec.containers[0].imagePullPolicy, 'Always');
    },
  },
  {
    title: 'replace swaps the whole object; a stale resourceVersion is a conflict with kubectl\'s words',
    id: 'replace',
    async run({ t, ok, run, tool }) {
      await ok(['create', 'configmap', 'conf', '--from-literal=a=1', '--from-literal=b=2']);
      const live = await ok(['get', 'cm', 'conf', '-o', 'yaml']);
      t.is((await ok(['replace', '-f', '-'], { stdin: live.replace('a: "1"', 'a: "9"') })).trim(), 'configmap/conf replaced', tool.name);
      t.is(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.data.a}']), '9');
      // The first copy's resourceVersion is stale now.
      const stale = await run(['replace', '-f', '-'], { stdin: live.replace('b: "2"', 'b: "3"') });
      t.is(stale.code, 1);
      t.deepEqual(errLines(stale), [
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "conf": the object has been modified; please apply your changes to the latest version and try again',
      ]);
      // Without a resourceVersion, replace is unconditional.
      await ok(['replace', '-f', '-'], { stdin: configMapYaml('conf', { only: 'x' }) });
      t.is(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.data}']), '{"only":"x"}');
      const missing = await run(['replace', '-f', '-'], { stdin: configMapYaml('ghost', { a: '1' }) });
      t.is(missing.code, 1);
      t.deepEqual(errLines(missing), ['Error from server (NotFound): error when replacing "STDIN": configmaps "ghost" not found']);
    },
  },
  {
    title: 'the create generators: namespace, configmap, secret, deployment, service, job, serviceaccount, role, rolebinding',
    id: 'generators',
    async run({ t, ok, ns, tool }) {
      const child = `${ns}-child`;
      const steps: [string[], string][] = [
        [['create', 'namespace', child], `namespace/${child} created`],
        [['create', 'configmap', 'cfg', '--from-literal=k=v'], 'configmap/cfg created'],
        [['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cret'], 'secret/sec created'],
        [['create', 'deployment', 'dep', '--image=nginx:1.27', '--replicas=2'], 'deployment.apps/dep created'],
        [['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'], 'service/svc created'],
        [['create', 'job', 'job', '--image=busybox:1.36', '--', 'echo', 'hi'], 'job.batch/job created'],
        [['create', 'serviceaccount', 'robot'], 'serviceaccount/robot created'],
        [['create', 'role', 'reader', '--verb=get,list', '--resource=pods'], 'role.rbac.authorization.k8s.io/reader created'],
        [['create', 'rolebinding', 'read', '--role=reader', `--serviceaccount=${ns}:robot`], 'rolebinding.rbac.authorization.k8s.io/read created'],
      ];
      for (const [args, line] of steps) t.is((await ok(args)).trim(), line, `${tool.name}: ${args.join(' ')}`);

      t.is(await ok(['get', 'ns', child, '-o', 'jsonpath={.metadata.name}']), child);
      t.is(await ok(['get', 'secret', 'sec', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'));
      const dep = JSON.parse(await ok(['get', 'deploy', 'dep', '-o', 'json'])) as Deployment & { spec: { selector: unknown } };
      t.is(dep.spec.replicas, 2);
      t.deepEqual(dep.spec.selector, { matchLabels: { app: 'dep' } });
      t.is(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
      t.is(await ok(['get', 'svc', 'svc', '-o', 'jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}']), 'ClusterIP 80 8080');
      t.regex(await ok(['get', 'svc', 'svc', '-o', 'jsonpath={.spec.clusterIP}']), /^\d+\.\d+\.\d+\.\d+$/, 'a cluster IP was allocated');
      t.is(await ok(['get', 'job', 'job', '-o', 'jsonpath={.spec.template.spec.containers[0].command}']), '["echo","hi"]');
      t.is(await ok(['get', 'role', 'reader', '-o', 'jsonpath={.rules[0].verbs}']), '["get","list"]');
      t.is(await ok(['get', 'rolebinding', 'read', '-o', 'jsonpath={.roleRef.name} {.subjects[0].kind} {.subjects[0].name}']), 'reader ServiceAccount robot');
    },
  },
];
