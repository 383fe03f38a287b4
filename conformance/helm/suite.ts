// The Helm suite, run by helm.test.ts (SQLite) and etcd.test.ts: Helm 4 (--wait=watcher) and
// Helm 3.17 against one kubets with two simulated nodes: a chart
// written for the suite (charts/suite-app) with what popular charts use — CRDs in crds/ and in
// templates, a CR of the crds/ CRD, hook Jobs with weights and delete policies, a StatefulSet
// with volume claim templates, a Deployment behind a Service, an admission webhook with a
// chart-made certificate, an APIService, RBAC and `lookup` — installed with --wait, upgraded,
// rolled back, tested and uninstalled; `helm template | kubectl apply --server-side`; and
// `kubectl apply -k`.

import test, { type ExecutionContext } from 'ava';
import { startEtcd, type EtcdHarness } from '../../testing/etcd.ts';
import { checkTool } from '../../testing/tools.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectl, kubectlBinaries, kubectlSkipReason, startKubets, type Kubets, type Tool } from '../harness.ts';
import { startSim, type Sim } from '../workloads/suite.ts';

const CHART = join(dirname(fileURLToPath(import.meta.url)), 'charts', 'suite-app');
const bins = await kubectlBinaries();
const helms = [bins.helm, bins.helm3].filter((h): h is Tool & { path: string } => !!h.path);
const noKubectl = kubectlSkipReason(bins);
const baseSkip = noKubectl ?? (helms.length ? undefined : [bins.helm, bins.helm3].map((h) => h.skipReason).join('; '));

let kubets: Kubets;
let sim: Sim;
const kubectlPath = bins.kubectl.find((k) => k.path)?.path ?? '';

async function k(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(kubectlPath, kubets.kubeconfig, args, { stdin, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const jp = (what: string[], path: string) => k(['get', ...what, '-o', `jsonpath=${path}`]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Helm = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** upgrade (a pre-upgrade hook, `lookup` keeping the password), then rollback to revision 1. */
async function upgradeAndRollBack(t: ExecutionContext, helm: Helm, rel: string, ns: string, wait: string[], password: string): Promise<void> {
  const up = await helm(['upgrade', rel, CHART, '--set', 'message=bye', '--set', 'gadgetSize=5', ...wait, '--timeout', '120s']);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /REVISION: 2/);
  t.is(await jp(['job', `${rel}-pre-upgrade`, '-n', ns], '{.status.succeeded}'), '1');
  t.is(await jp(['configmap', `${rel}-config`, '-n', ns], '{.data.message}'), 'bye');
  t.is(await jp(['gadget', `${rel}-gadget`, '-n', ns], '{.spec.size}'), '5');
  // lookup found the Secret: the password is the one made at install.
  t.is(await jp(['secret', `${rel}-password`, '-n', ns], '{.data.password}'), password);

  const back = await helm(['rollback', rel, '1', ...wait, '--timeout', '120s']);
  t.is(back.code, 0, back.stderr);
  t.is(await jp(['configmap', `${rel}-config`, '-n', ns], '{.data.message}'), 'hello');
  const hist = await helm(['history', rel]);
  t.regex(hist.stdout, /\n3\s+.*deployed\s+suite-app-0\.1\.0\s+1\.0\s+Rollback to 1/);
}

export interface HelmSuiteOptions {
  /** Which Helm binaries run the install/upgrade/rollback/test/uninstall flow (default both). */
  helms?: string[];
  /** `helm template | kubectl apply --server-side` and `kubectl apply -k` too (default true). */
  extras?: boolean;
}

export function runHelmSuite(store: 'sqlite' | 'etcd', opts: HelmSuiteOptions = {}): void {
  const etcdTool = store === 'etcd' ? checkTool('etcd') : undefined;
  const skip = baseSkip ?? etcdTool?.skipReason;
  let etcd: EtcdHarness | undefined;
  if (skip) {
    test.skip(`Helm on ${store} (skipped: ${skip})`, () => {});
  } else {
    test.before(async () => {
      if (etcdTool) etcd = await startEtcd({ bin: etcdTool.path });
      kubets = await startKubets({ store, etcdEndpoint: etcd?.endpoint, args: process.env.KUBETS_HELM_LOG ? ['-v=2'] : [] });
      sim = await startSim(kubets, kubectlPath, 'helm-node-', 2);
    });
    test.after.always(async (t) => {
      if (sim?.output().trim()) t.log(sim.output().slice(-2000));
      if (process.env.KUBETS_HELM_LOG) t.log(kubets?.output().split('\n').filter((l) => !l.includes('reconcile failed')).slice(-150).join('\n'));
      await sim?.stop();
      await kubets?.stop();
      await etcd?.stop();
    });

    for (const h of helms.filter((x) => !opts.helms || opts.helms.includes(x.name))) {
      const v4 = h.name === 'helm-v4';
      const ns = v4 ? 'helm4' : 'helm3';
      const rel = v4 ? 'r4' : 'r3';
      const wait = v4 ? ['--wait=watcher'] : ['--wait'];
      const helm = async (args: string[]) => {
        const r = await kubectl(h.path, kubets.kubeconfig, [...args, '-n', ns], { timeoutMs: 180_000 });
        return r;
      };
      test.serial(`${h.name}: install --wait, upgrade, rollback, test, uninstall`, async (t) => {
        t.timeout(300_000);
        const inst = await helm(['install', rel, CHART, '--create-namespace', ...wait, '--timeout', '120s']);
        t.is(inst.code, 0, inst.stderr + inst.stdout);
        t.regex(inst.stdout, /STATUS: deployed/);
        // Hooks: the pre-install Job went once it succeeded; the post-install one stays, Complete.
        t.is((await kubectl(kubectlPath, kubets.kubeconfig, ['get', 'job', `${rel}-pre-install`, '-n', ns])).code, 1);
        t.is(await jp(['job', `${rel}-post-install`, '-n', ns], '{.status.succeeded}'), '1');
        // What --wait waited for.
        t.is(await jp(['deployment', `${rel}-web`, '-n', ns], '{.status.availableReplicas}'), '2');
        t.is(await jp(['statefulset', `${rel}-db`, '-n', ns], '{.status.readyReplicas}'), '2');
        t.is(await jp(['pvc', '-n', ns, `data-${rel}-db-0`, `data-${rel}-db-1`], '{.items[*].status.phase}'), 'Bound Bound');
        // The CR of the crds/ CRD, defaulted by its schema; the templated CRD is served.
        t.is(await jp(['gadget', `${rel}-gadget`, '-n', ns], '{.spec.size} {.spec.color}'), '3 grey');
        t.regex(await k(['api-resources', '--api-group', `${rel}.suite.kubets.io`]), /gizmos\s+.*Gizmo/);
        t.not(await jp(['validatingwebhookconfiguration', `${rel}-${ns}-gizmos`], '{.webhooks[0].clientConfig.caBundle}'), '');
        t.regex(await jp(['apiservice', `v1alpha1.${rel}-${ns}.ext.kubets.io`], '{.status.conditions[0].reason}'), /EndpointsNotFound|MissingEndpoints/);
        t.is(await k(['auth', 'can-i', 'list', 'gadgets.suite.kubets.io', `--as=system:serviceaccount:${ns}:${rel}`, '-A']), 'yes\n');
        const password = await jp(['secret', `${rel}-password`, '-n', ns], '{.data.password}');
        t.true(password.length > 10);

        // Upgrade and rollback PUT release Secrets of tens of KB back to back on one keep-alive
        // connection (what server/apiserver/keep-alive.test.ts guards).
        await upgradeAndRollBack(t, helm, rel, ns, wait, password);

        const tested = await helm(['test', rel, '--timeout', '60s']);
        t.is(tested.code, 0, tested.stderr);
        t.regex(tested.stdout, new RegExp(`TEST SUITE:\\s+${rel}-test[\\s\\S]*Phase:\\s+Succeeded`));

        const un = await helm(['uninstall', rel, '--wait', '--timeout', '60s']);
        t.is(un.code, 0, un.stderr);
        // Hook resources are not the release's: those without hook-succeeded stay, as upstream.
        const left = await k(['get', 'deploy,sts,svc,cm,secret,job', '-n', ns, '-l', `app.kubernetes.io/instance=${rel}`, '-o', 'name']);
        t.is(left, `job.batch/${rel}-post-install\njob.batch/${rel}-pre-upgrade\n`);
        // Helm never deletes what crds/ installed; the templated CRD goes with the release.
        t.is((await kubectl(kubectlPath, kubets.kubeconfig, ['get', 'crd', 'gadgets.suite.kubets.io'])).code, 0);
        let gone = false;
        for (let i = 0; i < 40 && !gone; i++) {
          gone = (await kubectl(kubectlPath, kubets.kubeconfig, ['get', 'crd', `gizmos.${rel}.suite.kubets.io`])).code !== 0;
          if (!gone) await sleep(250);
        }
        t.true(gone);
      });
    }

    if (opts.extras === false) return;

    test.serial('helm template | kubectl apply --server-side', async (t) => {
      const h = helms[0]!;
      const r = await kubectl(h.path, kubets.kubeconfig, ['template', 'tpl', CHART, '--namespace', 'tpl', '--include-crds', '--set', 'replicas=1']);
      t.is(r.code, 0, r.stderr);
      await k(['create', 'namespace', 'tpl']);
      // CRDs first, as `kubectl apply` of a CR needs its CRD served before it is read.
      const docs = r.stdout.split(/^---$/m);
      const crds = docs.filter((d) => /kind: CustomResourceDefinition/.test(d)).join('\n---\n');
      await k(['apply', '--server-side', '-f', '-'], crds);
      await k(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=20s']);
      const out = await k(['apply', '--server-side', '-n', 'tpl', '-f', '-'], r.stdout);
      t.regex(out, /deployment\.apps\/tpl-web serverside-applied/);
      t.regex(out, /gadget\.suite\.kubets\.io\/tpl-gadget serverside-applied/);
      t.regex(out, /statefulset\.apps\/tpl-db serverside-applied/);
      // Applied again: nothing changes, no conflict.
      const again = await k(['apply', '--server-side', '-n', 'tpl', '-f', '-'], r.stdout);
      t.regex(again, /deployment\.apps\/tpl-web serverside-applied/);
      t.is(await jp(['deployment', 'tpl-web', '-n', 'tpl'], '{.metadata.managedFields[0].manager}'), 'kubectl');
    });

    test.serial('kubectl apply -k: namePrefix, labels, a configMapGenerator with its hash', async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'kubets-kustomize-'));
      t.teardown(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'kustomization.yaml'), `namespace: kust
namePrefix: dev-
labels:
  - pairs: {team: blue}
    includeSelectors: true
resources: [namespace.yaml, deployment.yaml]
configMapGenerator:
  - name: settings
    literals: [mode=fast]
`);
      await writeFile(join(dir, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: kust}\n');
      await writeFile(join(dir, 'deployment.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: busybox
          envFrom: [{configMapRef: {name: settings}}]
`);
      const out = await k(['apply', '-k', dir]);
      t.regex(out, /configmap\/dev-settings-[a-z0-9]{10} created/);
      t.regex(out, /deployment\.apps\/dev-api created/);
      const cm = (/configmap\/(dev-settings-[a-z0-9]{10})/.exec(out) ?? [])[1];
      t.is(await jp(['deployment', 'dev-api', '-n', 'kust'], '{.spec.template.spec.containers[0].envFrom[0].configMapRef.name} {.spec.selector.matchLabels.team}'), `${cm} blue`);
      await k(['rollout', 'status', 'deployment/dev-api', '-n', 'kust', '--timeout=60s']);
      t.regex(await k(['delete', '-k', dir]), /deployment\.apps "dev-api" deleted/);
    });
  }
}
