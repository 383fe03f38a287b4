// kubectl's use of the OpenAPI documents, with each kubectl we ship: `kubectl explain`
// (reads /openapi/v3) and `kubectl apply` with server-side field validation (kubectl checks
// in /openapi/v3 that the kind's patch operation takes fieldValidation, then sends
// fieldValidation=Strict; without it, it would fall back to protobuf /openapi/v2).

import avaTest from 'ava';
import { kubectl, kubectlBinaries, startKubets, type Kubets } from '../harness.ts';

const bins = await kubectlBinaries();
let kubets: Kubets | undefined;

avaTest.before(async () => {
  if (bins.kubectl.some((k) => k.path)) kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler'] });
});
avaTest.after.always(async () => {
  await kubets?.stop();
});

const deployment = (namespace: string, extraSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 1${extraSpec}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
`;

for (const tool of bins.kubectl) {
  const run = (args: string[], stdin?: string) => kubectl(tool.path!, kubets!.kubeconfig, args, { stdin });
  // Without the binary the tests show as skipped, with the reason in the title.
  const test = tool.path ? avaTest : avaTest.skip;
  const skipped = tool.path ? '' : ` (skipped: ${tool.skipReason})`;

  test(`${tool.name}: explain prints field docs from /openapi/v3${skipped}`, async (t) => {
    const containers = await run(['explain', 'pod.spec.containers']);
    t.is(containers.code, 0, containers.stderr);
    t.regex(containers.stdout, /FIELD: containers <\[\]Container>/);
    t.regex(containers.stdout, /\n {2}image\t<string>\n\s+Container image name\./);

    const spec = await run(['explain', 'deployment.spec', '--recursive']);
    t.is(spec.code, 0, spec.stderr);
    t.regex(spec.stdout, /GROUP:\s+apps/);
    t.regex(spec.stdout, /\n {2}template\t<PodTemplateSpec> -required-\n/);
    t.regex(spec.stdout, /\n {8}image\t<string>\n/, 'the recursion reaches the containers of the pod template');

    const cm = await run(['explain', 'configmap']);
    t.is(cm.code, 0, cm.stderr);
    t.regex(cm.stdout, /KIND:\s+ConfigMap/);
    t.regex(cm.stdout, /DESCRIPTION:\n\s+ConfigMap holds configuration data/);
    t.regex(cm.stdout, /\n {2}data\t<map\[string\]string>\n/);
  });

  test(`${tool.name}: apply validates on the server: an unknown field fails, a valid Deployment is created${skipped}`, async (t) => {
    const ns = `explain-${tool.name.replace(/\W/g, '')}`;
    const created = await run(['create', 'namespace', ns]);
    t.is(created.code, 0, created.stderr);

    const bad = await run(['apply', '-f', '-', '-v=6'], deployment(ns, '\n  foo: bar'));
    t.not(bad.code, 0);
    t.regex(bad.stderr, /unknown field "spec\.foo"/);
    t.regex(bad.stderr, /fieldValidation=Strict/, 'kubectl asked the server to validate');
    t.notRegex(bad.stderr, /proto-openapi|wire-format/, 'no fallback to protobuf /openapi/v2');

    const good = await run(['apply', '-f', '-'], deployment(ns));
    t.is(good.code, 0, good.stderr);
    t.is(good.stdout.trim(), 'deployment.apps/web created');

    const again = await run(['apply', '-f', '-'], deployment(ns, '\n  foo: bar'));
    t.not(again.code, 0, 'the patch of an existing object is validated too');
    t.regex(again.stderr, /unknown field "spec\.foo"/);
  });
}
