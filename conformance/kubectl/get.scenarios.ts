// Reading objects: get in every output format, get -w, describe.

import { load } from 'js-yaml';
import { configMapYaml, deploymentYaml, streamUntil, type Scenario } from './suite.ts';

/** A printed table as rows of cells (kubectl aligns columns with spaces; no cell here has one). */
function cells(out: string): string[][] {
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/));
}

export const getScenarios: Scenario[] = [
  {
    title: 'get prints server-side tables, wide, yaml, json, jsonpath, custom-columns and names',
    id: 'get-out',
    async run({ t, ok, run, ns, tool }) {
      await ok(['apply', '-f', '-'], {
        stdin: [configMapYaml('alpha', { a: '1', b: '2' }, { team: 'x' }), configMapYaml('beta', { c: '3' }), deploymentYaml('web', { replicas: 2, tier: 'front', env: 'a', image: 'nginx:1.27' })].join('---\n'),
      });
      const table = cells(await ok(['get', 'configmaps']));
      t.deepEqual(table.map((r) => r.slice(0, 2)), [['NAME', 'DATA'], ['alpha', '2'], ['beta', '1']], tool.name);
      t.is(table[0][2], 'AGE');
      t.regex(table[1][2], /^\d+s$/, 'AGE in seconds');

      const wide = cells(await ok(['get', 'deploy', '-o', 'wide']));
      t.deepEqual(wide[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      t.deepEqual([...wide[1].slice(0, 4), ...wide[1].slice(5)], ['web', '0/2', '0', '0', 'main,side', 'nginx:1.27,busybox:1.36', 'app=web']);

      const labels = cells(await ok(['get', 'cm', '--show-labels']));
      t.deepEqual(labels.map((r) => [r[0], r[3]]), [['NAME', 'LABELS'], ['alpha', 'team=x'], ['beta', '<none>']]);
      const selected = cells(await ok(['get', 'cm', '-l', 'team=x', '--no-headers']));
      t.deepEqual(selected.map((r) => r[0]), ['alpha']);
      const none = await run(['get', 'cm', '-l', 'team=nobody']);
      t.is(none.stdout, '');
      t.regex(none.stderr, new RegExp(`^No resources found in ${ns} namespace\\.$`, 'm'));

      const y = load(await ok(['get', 'cm', 'alpha', '-o', 'yaml'])) as { kind: string; apiVersion: string; data: unknown; metadata: Record<string, unknown> };
      t.like(y, { kind: 'ConfigMap', apiVersion: 'v1', data: { a: '1', b: '2' }, metadata: { name: 'alpha', namespace: ns, labels: { team: 'x' } } });
      t.regex(String(y.metadata.resourceVersion), /^\d+$/);
      t.regex(String(y.metadata.uid), /^[0-9a-f-]{36}$/);
      t.regex(String(y.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const list = JSON.parse(await ok(['get', 'cm', '-o', 'json'])) as { kind: string; apiVersion: string; items: { kind: string; metadata: { name: string } }[] };
      t.is(list.kind, 'List');
      t.deepEqual(list.items.map((i) => [i.kind, i.metadata.name]), [['ConfigMap', 'alpha'], ['ConfigMap', 'beta']]);

      t.is(await ok(['get', 'cm', 'alpha', '-o', 'jsonpath={.data.b}']), '2');
      t.is(await ok(['get', 'cm', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.data}{"\\n"}{end}']), 'alpha={"a":"1","b":"2"}\nbeta={"c":"3"}\n');
      t.is(await ok(['get', 'cm', '-o', 'custom-columns=NAME:.metadata.name,TEAM:.metadata.labels.team']), 'NAME    TEAM\nalpha   x\nbeta    <none>\n');
      t.is(await ok(['get', 'cm,deploy', '-o', 'name']), 'configmap/alpha\nconfigmap/beta\ndeployment.apps/web\n');
      t.is(await ok(['get', 'deploy/web', 'cm/beta', '-o', 'name']), 'deployment.apps/web\nconfigmap/beta\n');
    },
  },
  {
    title: 'get -w prints the table, then a line for each change',
    id: 'get-watch',
    async run(c) {
      const { t, ok, tool } = c;
      await ok(['create', 'configmap', 'first', '--from-literal=a=1']);
      const w = await streamUntil(
        c,
        ['get', 'configmaps', '-w'],
        /^first\s/m,
        async () => void (await ok(['create', 'configmap', 'second', '--from-literal=a=1', '--from-literal=b=2'])),
        /^second\s+2\s/m,
      );
      t.true(w.matched, `${tool.name}: ${w.stdout} ${w.stderr}`);
      t.deepEqual(cells(w.stdout).map((r) => r.slice(0, 2)), [['NAME', 'DATA'], ['first', '1'], ['second', '2']]);

      // Watching one object by name, printing names: an update shows as another line.
      const one = await streamUntil(
        c,
        ['get', 'configmap', 'first', '-w', '-o', 'name'],
        /^configmap\/first$/m,
        async () => void (await ok(['label', 'configmap', 'first', 'seen=yes'])),
        /^configmap\/first\nconfigmap\/first\n/,
      );
      t.true(one.matched, `${tool.name}: ${one.stdout} ${one.stderr}`);
      t.is(one.stdout, 'configmap/first\nconfigmap/first\n');
    },
  },
  {
    title: 'describe shows a ConfigMap and a Deployment as kubectl lays them out',
    id: 'describe',
    async run({ t, ok, ns, tool }) {
      await ok(['create', 'configmap', 'conf', '--from-literal=key=value']);
      await ok(['label', 'cm', 'conf', 'app=demo']);
      const cm = (await ok(['describe', 'configmap', 'conf'])).split('\n');
      t.deepEqual(cm.slice(0, 10), [
        'Name:         conf',
        `Namespace:    ${ns}`,
        'Labels:       app=demo',
        'Annotations:  <none>',
        '',
        'Data',
        '====',
        'key:',
        '----',
        'value',
      ], tool.name);
      t.true(cm.includes('Events:  <none>'));

      await ok(['apply', '-f', '-'], { stdin: deploymentYaml('web', { replicas: 2, tier: 'front', env: 'prod', image: 'nginx:1.27' }) });
      const d = await ok(['describe', 'deployment', 'web']);
      t.regex(d, /^Name:\s+web$/m);
      t.regex(d, new RegExp(`^Namespace:\\s+${ns}$`, 'm'));
      t.regex(d, /^Labels:\s+tier=front$/m);
      t.regex(d, /^Selector:\s+app=web$/m);
      t.regex(d, /^Replicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
      t.regex(d, /^ {3}main:\n {4}Image:\s+nginx:1\.27$/m);
      t.regex(d, /^ {6}MODE:\s+prod$/m);
      const many = await ok(['describe', 'cm']);
      t.regex(many, /^Name:\s+conf$/m, 'describe without a name describes every object of the kind');
    },
  },
];
