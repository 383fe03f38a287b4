// The error paths, with kubectl's exact words: unknown kind, invalid object (422 with field
// causes), conflict, not found, already exists, and unknown fields.

import { configMapYaml, deploymentYaml, errLines, type Scenario } from './suite.ts';

const NAME_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

export const errorScenarios: Scenario[] = [
  {
    title: 'an unknown resource type',
    id: 'err-kind',
    async run({ t, run, tool }) {
      // kubectl names the resource without its group.
      for (const args of [['get', 'foos'], ['delete', 'foos', 'x'], ['get', 'foos.example.com', 'x']]) {
        const r = await run(args);
        t.is(r.code, 1, tool.name);
        t.deepEqual(errLines(r), [`error: the server doesn't have a resource type "foos"`], `${tool.name} ${args.join(' ')}`);
      }
    },
  },
  {
    title: 'not found and already exists',
    id: 'err-exists',
    async run({ t, ok, run, tool }) {
      const pod = await run(['get', 'pod', 'nope']);
      t.is(pod.code, 1);
      t.deepEqual(errLines(pod), ['Error from server (NotFound): pods "nope" not found'], tool.name);
      const dep = await run(['get', 'deploy', 'nope', '-o', 'yaml']);
      t.deepEqual(errLines(dep), ['Error from server (NotFound): deployments.apps "nope" not found']);
      const ns = await run(['get', 'namespace', 'no-such-namespace']);
      t.deepEqual(errLines(ns), ['Error from server (NotFound): namespaces "no-such-namespace" not found']);

      await ok(['create', 'configmap', 'dup']);
      const twice = await run(['create', 'configmap', 'dup']);
      t.is(twice.code, 1);
      t.deepEqual(errLines(twice), ['error: failed to create configmap: configmaps "dup" already exists']);
      const fromFile = await run(['create', '-f', '-'], { stdin: configMapYaml('dup', {}) });
      t.deepEqual(errLines(fromFile), ['Error from server (AlreadyExists): error when creating "STDIN": configmaps "dup" already exists']);
    },
  },
  {
    title: 'an invalid object is a 422 naming each field',
    id: 'err-invalid',
    async run({ t, run, tool }) {
      const badName = await run(['create', '-f', '-'], { stdin: deploymentYaml('Bad_Name', { replicas: 1, tier: 'x', env: 'a' }) });
      t.is(badName.code, 1);
      t.deepEqual(errLines(badName), [`The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${NAME_RULE}`], tool.name);

      const twoFields = await run(['create', '-f', '-'], {
        stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels: {"-bad-": "also bad!"}\n',
      });
      t.is(twoFields.code, 1);
      const lines = errLines(twoFields);
      t.is(lines[0], 'The ConfigMap "ok" is invalid: ');
      t.regex(lines.slice(1).join('\n'), /^\* metadata\.labels: Invalid value: "-bad-": name part must consist of alphanumeric characters/m);
      t.regex(lines.slice(1).join('\n'), /^\* metadata\.labels: Invalid value: "also bad!": a valid label must be an empty string or consist of alphanumeric characters/m);

      const generator = await run(['create', 'deployment', 'Bad_Name', '--image=nginx']);
      t.deepEqual(errLines(generator), [`error: failed to create deployment: Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${NAME_RULE}`]);
    },
  },
  {
    title: 'a stale resourceVersion is a conflict; unknown fields are refused under strict validation',
    id: 'err-conflict',
    async run({ t, ok, run, ns, tool }) {
      await ok(['create', 'configmap', 'conf', '--from-literal=a=1']);
      const rv = await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.metadata.resourceVersion}']);
      await ok(['patch', 'cm', 'conf', '-p', '{"data":{"a":"2"}}']);
      const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\n  namespace: ${ns}\n  resourceVersion: "${rv}"\ndata:\n  a: "3"\n`;
      const stale = await run(['replace', '-f', '-'], { stdin: doc });
      t.is(stale.code, 1);
      t.deepEqual(
        errLines(stale),
        ['Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "conf": the object has been modified; please apply your changes to the latest version and try again'],
        tool.name,
      );
      t.is(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.data.a}']), '2');

      const unknown = await run(['create', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\nbogus: 1\n' });
      t.is(unknown.code, 1);
      t.deepEqual(errLines(unknown), ['Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"']);
      const lax = await run(['create', '-f', '-', '--validate=false'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\nbogus: 1\n' });
      t.is(lax.code, 0, lax.stderr);
      t.is(lax.stdout.trim(), 'configmap/odd created');
      const warn = await run(['create', '-f', '-', '--validate=warn'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd2\nbogus: 1\n' });
      t.is(warn.code, 0, warn.stderr);
      t.deepEqual(errLines(warn), ['Warning: unknown field "bogus"']);
    },
  },
];
