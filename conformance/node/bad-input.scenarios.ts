// Bad input on a real node, with upstream's reasons and events: an image no registry has, a
// command that does not exist, a ConfigMap that is not there yet, a probe against a closed
// port. The node keeps serving every other pod meanwhile (the scenarios run side by side).

import { apply, phase, podManifest } from './pods.scenarios.ts';
import type { ContainerStatusJson, NodeCtx, NodeScenario } from './scenario.ts';

async function waiting(c: NodeCtx, pod: string, reasons: string[]): Promise<ContainerStatusJson> {
  return c.waitFor(`pod ${pod} waiting with ${reasons.join(' or ')}`, async () => {
    const s = (await c.pod(pod)).status.containerStatuses?.[0];
    return s?.state.waiting && reasons.includes(s.state.waiting.reason) ? s : undefined;
  });
}

export const badInputScenarios: NodeScenario[] = [
  {
    title: 'an image no registry has: ErrImagePull, then ImagePullBackOff, with Failed and BackOff events',
    id: 'bad-image',
    async run(c) {
      await apply(c, podManifest(c, 'noimg', { containers: [{ name: 'c', image: 'localhost/kubets/does-not-exist:1' }] }));
      const first = await waiting(c, 'noimg', ['ErrImagePull', 'ImagePullBackOff']);
      c.t.is((await c.pod('noimg')).status.phase, 'Pending');
      if (first.state.waiting?.reason === 'ErrImagePull') await waiting(c, 'noimg', ['ImagePullBackOff']);
      const ev = await c.events();
      c.t.true(ev.includes('Pulling: Pulling image "localhost/kubets/does-not-exist:1"'), ev.join('\n'));
      c.t.true(ev.some((e) => e.startsWith('Failed: Failed to pull image "localhost/kubets/does-not-exist:1": ')), ev.join('\n'));
      c.t.true(ev.includes('Failed: Error: ErrImagePull'), ev.join('\n'));
      c.t.true(ev.includes('BackOff: Back-off pulling image "localhost/kubets/does-not-exist:1"'), ev.join('\n'));
      c.t.true(ev.includes('Failed: Error: ImagePullBackOff'), ev.join('\n'));
    },
  },
  {
    title: 'imagePullPolicy Never with the image missing: ErrImageNeverPull',
    id: 'never-pull',
    async run(c) {
      await apply(c, podManifest(c, 'never', { containers: [{ name: 'c', image: 'localhost/kubets/absent:2', imagePullPolicy: 'Never' }] }));
      const s = await waiting(c, 'never', ['ErrImageNeverPull']);
      c.t.is(s.state.waiting?.message, 'Container image "localhost/kubets/absent:2" is not present with pull policy of Never');
    },
  },
  {
    title: 'a command that does not exist: the start fails (exit 128, StartError), then CrashLoopBackOff',
    id: 'bad-command',
    async run(c) {
      await apply(c, podManifest(c, 'nocmd', { containers: [{ name: 'c', image: c.image, command: ['/no/such/binary'] }] }));
      const s = await waiting(c, 'nocmd', ['CrashLoopBackOff']);
      c.t.is(s.lastState.terminated?.exitCode, 128);
      c.t.is(s.lastState.terminated?.reason, 'StartError');
      const ev = await c.events();
      c.t.true(ev.some((e) => /^Failed: Error: .*no such file or directory/.test(e)), ev.join('\n'));
    },
  },
  {
    title: 'a ConfigMap that is not there yet: FailedMount for the volume (with init containers: Init:0/1, PodInitializing), CreateContainerConfigError for env; all start once it exists',
    id: 'late-config',
    async run(c) {
      await apply(c, podManifest(c, 'vol', { volumes: [{ name: 'cfg', configMap: { name: 'late' } }], containers: [{ name: 'c', image: c.image, volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }] }));
      await apply(c, podManifest(c, 'init', { volumes: [{ name: 'cfg', configMap: { name: 'late' } }], initContainers: [{ name: 'i', image: c.image, command: ['true'], volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }], containers: [{ name: 'c', image: c.image }] }));
      await apply(c, podManifest(c, 'env', { containers: [{ name: 'c', image: c.image, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'late', key: 'x' } } }] }] }));
      const s = await waiting(c, 'env', ['CreateContainerConfigError']);
      c.t.is(s.state.waiting?.message, 'configmap "late" not found');
      await c.waitFor('FailedMount', async () => (await c.events()).find((e) => e === 'FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "late" not found'));
      c.t.is((await c.pod('vol')).status.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
      // With init containers nothing created yet waits with PodInitializing (upstream's kubelet): kubectl reads Init:0/1.
      await c.waitFor('pod init Init:0/1', async () => ((await c.ok(['get', 'pod', 'init', '--no-headers'])).trim().split(/\s+/)[2] === 'Init:0/1' ? true : undefined), 30_000);
      const st = (await c.pod('init')).status;
      c.t.deepEqual([st.initContainerStatuses?.[0]?.state.waiting?.reason, st.containerStatuses?.[0]?.state.waiting?.reason], ['PodInitializing', 'PodInitializing']);
      await c.ok(['create', 'configmap', 'late', '--from-literal=x=1']);
      await phase(c, 'vol', 'Running');
      await phase(c, 'init', 'Running');
      await phase(c, 'env', 'Running');
    },
  },
  {
    title: 'a readiness probe against a closed port: the pod runs but is not Ready, Unhealthy says connection refused',
    id: 'closed-port',
    async run(c) {
      await apply(c, podManifest(c, 'closed', { containers: [{ name: 'c', image: c.image, readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] }));
      await phase(c, 'closed', 'Running');
      const ev = await c.waitFor('Unhealthy', async () => (await c.events()).find((e) => e.startsWith('Unhealthy: Readiness probe failed: ')));
      c.t.regex(ev, /^Unhealthy: Readiness probe failed: dial tcp 10\.88\.\d+\.\d+:8080: connect: connection refused$/);
      const p = await c.pod('closed');
      c.t.is(p.status.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
      c.t.is(p.status.containerStatuses?.[0]?.ready, false);
    },
  },
];
