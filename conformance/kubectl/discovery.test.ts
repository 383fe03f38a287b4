// kubectl version, cluster-info, api-resources and api-versions against a real kubets.

import { runScenarios, type Scenario } from './suite.ts';

/** api-resources' table as rows of cells (its columns are space-aligned). */
function rows(out: string): string[][] {
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/));
}

const scenarios: Scenario[] = [
  {
    title: 'version names the server kubets serves, in text and JSON',
    id: 'version',
    async run({ t, ok, tool }) {
      const text = await ok(['version']);
      t.regex(text, /^Server Version: v1\.34\.2$/m, tool.name);
      const doc = JSON.parse(await ok(['version', '-o', 'json'])) as { serverVersion: Record<string, string> };
      t.like(doc.serverVersion, { major: '1', minor: '34', gitVersion: 'v1.34.2' }, tool.name);
      t.regex(doc.serverVersion.platform, /^[a-z]+\/[a-z0-9]+$/);
    },
  },
  {
    title: 'cluster-info prints where the control plane runs',
    id: 'cinfo',
    async run({ t, ok, kubets, tool }) {
      const out = await ok(['cluster-info']);
      t.is(out.split('\n')[0], `Kubernetes control plane is running at ${kubets.url}`, tool.name);
      t.regex(out, /To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'\./);
    },
  },
  {
    title: 'api-resources lists kinds with short names, group version, scope and verbs',
    id: 'apires',
    async run({ t, ok, tool }) {
      const table = rows(await ok(['api-resources']));
      t.deepEqual(table[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], tool.name);
      const find = (name: string, apiVersion: string) => table.find((r) => r[0] === name && r.includes(apiVersion));
      t.deepEqual(find('configmaps', 'v1'), ['configmaps', 'cm', 'v1', 'true', 'ConfigMap']);
      t.deepEqual(find('deployments', 'apps/v1'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
      t.deepEqual(find('namespaces', 'v1'), ['namespaces', 'ns', 'v1', 'false', 'Namespace']);
      t.deepEqual(find('clusterroles', 'rbac.authorization.k8s.io/v1'), ['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);

      const apps = (await ok(['api-resources', '--api-group=apps', '-o', 'name'])).trim().split('\n');
      t.deepEqual(apps, ['controllerrevisions.apps', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps']);
      const cluster = (await ok(['api-resources', '--namespaced=false', '-o', 'name'])).split('\n');
      t.true(cluster.includes('nodes') && cluster.includes('namespaces') && !cluster.includes('pods'));
      const wide = rows(await ok(['api-resources', '--api-group=apps', '-o', 'wide']));
      t.deepEqual(wide.find((r) => r[0] === 'deployments'), [
        'deployments', 'deploy', 'apps/v1', 'true', 'Deployment', 'create,delete,deletecollection,get,list,patch,update,watch', 'all',
      ]);
    },
  },
  {
    title: 'api-versions lists every served group version, sorted',
    id: 'apiver',
    async run({ t, ok, tool }) {
      const list = (await ok(['api-versions'])).trim().split('\n');
      for (const gv of ['v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1', 'autoscaling/v2', 'coordination.k8s.io/v1']) {
        t.true(list.includes(gv), `${tool.name}: ${gv} missing`);
      }
      t.deepEqual(list, [...list].sort(), 'sorted');
    },
  },
];

await runScenarios('sqlite', scenarios);
