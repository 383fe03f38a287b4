// PodSecurity through kubectl: a namespace's pod-security.kubernetes.io labels refuse (enforce)
// or warn about (warn) pods with upstream's messages, workloads get warnings for their
// templates, and labelling a namespace warns about the pods already in it.

import test from 'ava';
import { useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();

const restrictedPod = (name: string) => JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
});

test('enforce=restricted refuses a plain pod with upstream message and lets a restricted one in', async (t) => {
  const c = cluster();
  for (const tool of c.tools) {
    const ns = `psa-enforce-${tool.name.replace(/\W/g, '')}`;
    t.is((await c.admin(tool.path, ['create', 'namespace', ns])).code, 0);
    t.is((await c.admin(tool.path, ['create', 'serviceaccount', 'default', '-n', ns])).code, 0);
    const label = await c.admin(tool.path, ['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    t.is(label.code, 0, label.stderr);
    const bad = await c.admin(tool.path, ['run', 'bad', '--image=busybox', '-n', ns]);
    t.is(bad.code, 1, tool.name);
    t.is(
      bad.stderr.trim(),
      'Error from server (Forbidden): pods "bad" is forbidden: violates PodSecurity "restricted:latest": ' +
        'allowPrivilegeEscalation != false (container "bad" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "bad" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "bad" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "bad" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      tool.name,
    );
    t.not((await c.admin(tool.path, ['get', 'pod', 'bad', '-n', ns])).code, 0, 'nothing was written');
    const good = await c.admin(tool.path, ['create', '-n', ns, '-f', '-'], restrictedPod('good'));
    t.is(good.code, 0, good.stderr);
    t.is(good.stderr, '', 'no warning for a pod that meets the level');
    // A Deployment is let in; with warn at the same level its template is warned about.
    t.is((await c.admin(tool.path, ['label', 'namespace', ns, 'pod-security.kubernetes.io/warn=restricted'])).code, 0);
    const deploy = await c.admin(tool.path, ['create', 'deployment', 'web', '--image=busybox', '-n', ns]);
    t.is(deploy.code, 0, deploy.stderr);
    t.regex(deploy.stderr, /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "busybox" must set securityContext.allowPrivilegeEscalation=false\)/);
  }
});

test('warn=baseline warns about a privileged pod and lets it in; a stricter enforce label warns about existing pods', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  const ns = 'psa-warn';
  t.is((await c.admin(tool.path, ['create', 'namespace', ns])).code, 0);
  t.is((await c.admin(tool.path, ['create', 'serviceaccount', 'default', '-n', ns])).code, 0);
  t.is((await c.admin(tool.path, ['label', 'namespace', ns, 'pod-security.kubernetes.io/warn=baseline'])).code, 0);
  const pod = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'host' },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true } }] },
  });
  const created = await c.admin(tool.path, ['create', '-n', ns, '-f', '-'], pod);
  t.is(created.code, 0, created.stderr);
  t.is(
    created.stderr.trim(),
    'Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 80), privileged (container "c" must not set securityContext.privileged=true)',
  );
  const label = await c.admin(tool.path, ['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=baseline']);
  t.is(label.code, 0, label.stderr);
  t.is(
    label.stderr.trim(),
    [
      'Warning: existing pods in namespace "psa-warn" violate the new PodSecurity enforce level "baseline:latest"',
      'Warning: host: host namespaces, hostPort, privileged',
    ].join('\n'),
  );
  const badLabel = await c.admin(tool.path, ['label', 'namespace', ns, '--overwrite', 'pod-security.kubernetes.io/enforce=strict']);
  t.is(badLabel.code, 1);
  t.regex(badLabel.stderr, /Namespace "psa-warn" is invalid: metadata.labels\[pod-security.kubernetes.io\/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted/);
});
