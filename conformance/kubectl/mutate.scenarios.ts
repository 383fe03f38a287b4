// Changing objects in place: edit with a scripted EDITOR, patch (strategic, merge, JSON),
// label and annotate (overwrite and removal), scale.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentYaml, errLines, type Scenario } from './suite.ts';

export const mutateScenarios: Scenario[] = [
  {
    title: 'edit with a scripted EDITOR saves the change; an untouched buffer is cancelled',
    id: 'edit',
    async run({ t, ok, run, tool }) {
      await ok(['create', 'configmap', 'conf', '--from-literal=fruit=apple']);
      const edited = await run(['edit', 'configmap', 'conf'], { env: { EDITOR: 'sed -i s/apple/banana/', KUBE_EDITOR: '' } });
      t.is(edited.code, 0, `${tool.name}: ${edited.stderr}`);
      t.is(edited.stdout.trim(), 'configmap/conf edited');
      t.is(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.data.fruit}']), 'banana');

      const same = await run(['edit', 'configmap', 'conf'], { env: { EDITOR: 'true', KUBE_EDITOR: '' } });
      t.is(same.code, 0);
      t.deepEqual(errLines(same), ['Edit cancelled, no changes made.']);

      // An edit the server rejects (an invalid label value) is kept and reported, and nothing changes.
      const dir = await mkdtemp(join(tmpdir(), 'kubets-editor-'));
      const editor = join(dir, 'add-bad-label.sh');
      await writeFile(editor, '#!/bin/sh\nsed -i \'s/^metadata:/metadata:\\n  labels: {bad: "-x-"}/\' "$1"\n', { mode: 0o755 });
      const bad = await run(['edit', 'configmap', 'conf'], { env: { EDITOR: editor, KUBE_EDITOR: '' } });
      await rm(dir, { recursive: true, force: true });
      t.is(bad.code, 1, `${tool.name}: ${bad.stdout}`);
      // kubectl reopens the editor with the server's complaint; the script makes the same edit
      // again, so kubectl gives up and keeps a copy.
      const lines = errLines(bad);
      t.is(lines[0], 'error: configmaps "conf" is invalid', tool.name);
      t.regex(lines[1], /^A copy of your changes has been stored to ".+\.yaml"$/);
      t.is(lines[2], 'error: Edit cancelled, no valid changes were saved.');
      t.is(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.metadata.labels}']), '');
    },
  },
  {
    title: 'patch: strategic merge by list key, merge patch, JSON patch, and their failures',
    id: 'patch',
    async run({ t, ok, run, tool }) {
      await ok(['apply', '-f', '-'], { stdin: deploymentYaml('app', { replicas: 1, tier: 'one', env: 'a' }) });
      // Strategic: the container named "side" is merged into, not replaced.
      t.is((await ok(['patch', 'deploy', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1.37"}]}}}}'])).trim(), 'deployment.apps/app patched', tool.name);
      t.is(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.template.spec.containers[*].image}']), 'busybox:1.36 busybox:1.37');
      // Merge patch: a list is replaced whole; null removes a key.
      await ok(['patch', 'deploy', 'app', '--type=merge', '-p', '{"metadata":{"labels":{"tier":null,"k":"v"}},"spec":{"template":{"spec":{"containers":[{"name":"only","image":"nginx:1.27"}]}}}}']);
      t.is(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.template.spec.containers[*].name} {.metadata.labels}']), 'only {"k":"v"}');
      // JSON patch: ordered operations.
      await ok(['patch', 'deploy', 'app', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/j","value":"w"}]']);
      t.is(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.replicas} {.metadata.labels.j}']), '4 w');
      // The same patch again changes nothing.
      t.is((await ok(['patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"replicas":4}}'])).trim(), 'deployment.apps/app patched (no change)');

      const missing = await run(['patch', 'deploy', 'nope', '-p', '{"spec":{}}']);
      t.is(missing.code, 1);
      t.deepEqual(errLines(missing), ['Error from server (NotFound): deployments.apps "nope" not found']);
      const badJson = await run(['patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":']);
      t.is(badJson.code, 1);
      t.regex(badJson.stderr, /^Error from server \(BadRequest\): /m);
      const wrongType = await run(['patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"replicas":"many"}}']);
      t.is(wrongType.code, 1);
      // As upstream's patch handler: a patched object that does not decode is 422 on "patch".
      t.regex(wrongType.stderr, /^The request is invalid: patch: Invalid value: ".*": json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/m);
      const failedTest = await run(['patch', 'deploy', 'app', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":1}]']);
      t.is(failedTest.code, 1);
      t.regex(failedTest.stderr, /^The request is invalid/m);
      t.is(await ok(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.replicas}']), '4');
    },
  },
  {
    title: 'label and annotate: add, refuse to overwrite, overwrite, remove',
    id: 'label',
    async run({ t, ok, run, tool }) {
      await ok(['create', 'configmap', 'conf']);
      for (const [cmd, past, not] of [['label', 'labeled', 'unlabeled'], ['annotate', 'annotated', 'annotated']] as const) {
        const field = cmd === 'label' ? 'labels' : 'annotations';
        t.is((await ok([cmd, 'cm', 'conf', 'env=dev'])).trim(), `configmap/conf ${past}`, `${tool.name} ${cmd}`);
        const refused = await run([cmd, 'cm', 'conf', 'env=prod']);
        t.is(refused.code, 1);
        t.deepEqual(
          errLines(refused),
          cmd === 'label'
            ? ["error: 'env' already has a value (dev), and --overwrite is false"]
            : ["error: --overwrite is false but found the following declared annotation(s): 'env' already has a value (dev)"],
        );
        await ok([cmd, 'cm', 'conf', 'env=prod', '--overwrite']);
        t.is(await ok(['get', 'cm', 'conf', '-o', `jsonpath={.metadata.${field}.env}`]), 'prod');
        t.is((await ok([cmd, 'cm', 'conf', 'env-'])).trim(), `configmap/conf ${not}`);
        t.is(await ok(['get', 'cm', 'conf', '-o', `jsonpath={.metadata.${field}}`]), '');
      }
      // Labels on several objects at once, chosen by selector.
      await ok(['create', 'configmap', 'other']);
      await ok(['label', 'cm', '--all', 'batch=1']);
      t.is(await ok(['get', 'cm', '-l', 'batch=1', '-o', 'name']), 'configmap/conf\nconfigmap/other\n');
    },
  },
  {
    title: 'scale sets replicas through the scale subresource, with a precondition',
    id: 'scale',
    async run({ t, ok, run, ns, tool }) {
      await ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=1']);
      t.is((await ok(['scale', 'deployment', 'web', '--replicas=3'])).trim(), 'deployment.apps/web scaled', tool.name);
      t.is(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');
      const wrong = await run(['scale', 'deployment', 'web', '--replicas=5', '--current-replicas=2']);
      t.is(wrong.code, 1);
      t.deepEqual(errLines(wrong), ['error: Expected replicas to be 2, was 3']);
      await ok(['scale', 'deployment', 'web', '--replicas=0', '--current-replicas=3']);
      t.is(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '0');
      const scale = JSON.parse(await ok(['get', '--raw', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])) as Record<string, unknown>;
      t.like(scale, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: ns }, spec: { replicas: 0 }, status: { selector: 'app=web' } });
    },
  },
  {
    title: 'replace -f - of a List (get -o json piped back): client-side validation reads the protobuf OpenAPI and refuses an unknown field',
    id: 'replace-list',
    async run({ t, ok, run, tool }) {
      await ok(['create', 'secret', 'generic', 'one', '--from-literal=k=1']);
      await ok(['create', 'configmap', 'two', '--from-literal=k=2']);
      // kubectl validates a List itself, from /openapi/v2 in protobuf (the server-side check
      // does not cover Lists), so this fails at once if that document is wrong.
      const list = await ok(['get', 'secret/one', 'configmap/two', '-o', 'json']);
      t.deepEqual((await ok(['replace', '-f', '-'], { stdin: list })).trim().split('\n'), ['secret/one replaced', 'configmap/two replaced'], tool.name);
      const doc = JSON.parse(list) as { items: Record<string, unknown>[] };
      doc.items[1]!.bogus = true;
      const bad = await run(['replace', '-f', '-'], { stdin: JSON.stringify(doc) });
      t.is(bad.code, 1, tool.name);
      t.regex(bad.stderr, /ValidationError\(ConfigMap\): unknown field "bogus" in io\.k8s\.api\.core\.v1\.ConfigMap/, bad.stderr);
    },
  },
];
