// Pods on a real node (containerd, the busybox image): running to completion, init
// containers in order, env and volumes inside the container, probes, CrashLoopBackOff,
// graceful deletion with preStop, a Job. Containers report what they saw through their
// termination message (status.state.terminated.message), which needs no log streaming.

import type { ContainerStatusJson, NodeCtx, NodeScenario } from './scenario.ts';

export const apply = (c: NodeCtx, obj: unknown) => c.ok(['apply', '-f', '-'], { stdin: JSON.stringify(obj) });

export function podManifest(c: NodeCtx, name: string, spec: Record<string, unknown>): unknown {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: c.ns }, spec: { terminationGracePeriodSeconds: 5, ...spec } };
}

/** Waits for the pod's phase; returns its first container status. */
export async function phase(c: NodeCtx, name: string, want: string, timeoutMs = 90_000): Promise<ContainerStatusJson> {
  return c.waitFor(`pod ${name} ${want}`, async () => {
    const p = await c.pod(name);
    return p.status.phase === want ? p.status.containerStatuses![0] : undefined;
  }, timeoutMs);
}

export const podScenarios: NodeScenario[] = [
  {
    title: 'a pod runs and completes: Succeeded, exit 0, reason Completed, podIP and hostIP set',
    id: 'complete',
    async run(c) {
      await apply(c, podManifest(c, 'once', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'echo -n done > /dev/termination-log'] }] }));
      const s = await phase(c, 'once', 'Succeeded');
      c.t.is(s.state.terminated?.exitCode, 0);
      c.t.is(s.state.terminated?.reason, 'Completed');
      c.t.is(s.state.terminated?.message, 'done');
      const p = await c.pod('once');
      c.t.regex(p.status.podIP ?? '', /^10\.88\.\d+\.\d+$/);
      c.t.true(!!p.status.hostIP, 'hostIP set');
      c.t.is(p.status.conditions?.find((x) => x.type === 'Ready')?.reason, 'PodCompleted');
      const ev = await c.events();
      c.t.true(ev.some((e) => e === 'Started: Started container c'), ev.join('\n'));
    },
  },
  {
    title: 'init containers run one after another, in order, before the containers',
    id: 'init-order',
    async run(c) {
      const step = (n: string) => ({ name: n, image: c.image, command: ['sh', '-c', `echo -n ${n}, >> /work/order`], volumeMounts: [{ name: 'work', mountPath: '/work' }] });
      await apply(c, podManifest(c, 'init', {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [step('first'), step('second'), step('third')],
        containers: [{ name: 'main', image: c.image, command: ['sh', '-c', 'cat /work/order > /dev/termination-log'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      }));
      const s = await phase(c, 'init', 'Succeeded');
      c.t.is(s.state.terminated?.message, 'first,second,third,');
      const p = await c.pod('init');
      c.t.deepEqual(p.status.initContainerStatuses?.map((x) => x.state.terminated?.reason), ['Completed', 'Completed', 'Completed']);
    },
  },
  {
    title: 'env (value, fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef, envFrom) and volumes (configMap, secret, downwardAPI, emptyDir) are visible inside the container',
    id: 'env-volumes',
    async run(c) {
      await c.ok(['create', 'configmap', 'cfg', '--from-literal=color=blue', '--from-literal=size=L']);
      await c.ok(['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cret']);
      const script = 'echo "$PLAIN $POD $NS $MEM $COLOR $PASS $CFG_size"; cat /cfg/color; echo; cat /sec/password; echo; cat /info/name';
      await apply(c, podManifest(c, 'envvol', {
        restartPolicy: 'Never',
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 'sec' } },
          { name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        ],
        containers: [{
          name: 'c',
          image: c.image,
          command: ['sh', '-c', `(${script}) > /dev/termination-log`],
          resources: { limits: { memory: '64Mi' } },
          envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }],
          env: [
            { name: 'PLAIN', value: 'plain-$(POD_MISSING)' },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
            { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
          ],
          volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }, { name: 'info', mountPath: '/info' }],
        }],
      }));
      const s = await phase(c, 'envvol', 'Succeeded');
      c.t.is(s.state.terminated?.message, `plain-$(POD_MISSING) envvol ${c.ns} 64 blue s3cret L\nblue\ns3cret\nenvvol`);
    },
  },
  {
    title: "a projected volume gives the service-account token (TokenRequest), the cluster CA and the namespace, as in-cluster clients expect",
    id: 'sa-token',
    async run(c) {
      await c.waitFor('the default ServiceAccount', async () => ((await c.run(['get', 'serviceaccount', 'default'])).code === 0 ? true : undefined));
      const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
      await apply(c, podManifest(c, 'token', {
        restartPolicy: 'Never',
        volumes: [{
          name: 'kube-api-access',
          projected: {
            defaultMode: 0o644,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        }],
        containers: [{
          name: 'c',
          image: c.image,
          command: ['sh', '-c', `(cat ${dir}/namespace; echo; head -c 27 ${dir}/ca.crt; echo; cut -d. -f1 ${dir}/token | wc -c) > /dev/termination-log`],
          volumeMounts: [{ name: 'kube-api-access', mountPath: dir, readOnly: true }],
        }],
      }));
      const s = await phase(c, 'token', 'Succeeded');
      const [ns, ca, headerLength] = (s.state.terminated?.message ?? '').split('\n');
      c.t.is(ns, c.ns);
      c.t.is(ca, '-----BEGIN CERTIFICATE-----');
      c.t.true(Number(headerLength) > 10, `a JWT header, got ${s.state.terminated?.message}`);
    },
  },
  {
    title: 'a failing liveness probe restarts the container (Unhealthy, Killing events)',
    id: 'liveness',
    async run(c) {
      await apply(c, podManifest(c, 'live', {
        containers: [{
          name: 'c',
          image: c.image,
          command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      }));
      await c.waitFor('a restart', async () => ((await c.pod('live')).status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 || undefined, 90_000);
      const ev = await c.events();
      c.t.true(ev.some((e) => e.startsWith('Unhealthy: Liveness probe failed: cat: can')), ev.join('\n'));
      c.t.true(ev.includes('Killing: Container c failed liveness probe, will be restarted'), ev.join('\n'));
    },
  },
  {
    title: 'a container that keeps failing goes into CrashLoopBackOff with lastState terminated (Error, exit 3)',
    id: 'crashloop',
    async run(c) {
      await apply(c, podManifest(c, 'crash', { containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'exit 3'] }] }));
      const s = await c.waitFor('CrashLoopBackOff', async () => {
        const st = (await c.pod('crash')).status.containerStatuses?.[0];
        return st?.state.waiting?.reason === 'CrashLoopBackOff' ? st : undefined;
      });
      c.t.regex(s.state.waiting?.message ?? '', /^back-off \d+s restarting failed container=c pod=crash_crashloop\(/);
      c.t.is(s.lastState.terminated?.exitCode, 3);
      c.t.is(s.lastState.terminated?.reason, 'Error');
      c.t.is((await c.pod('crash')).status.phase, 'Running');
      c.t.true((await c.events()).some((e) => e.startsWith('BackOff: Back-off restarting failed container c in pod crash_crashloop(')));
    },
  },
  {
    title: 'graceful deletion runs preStop, then stops the container within terminationGracePeriodSeconds, and the pod goes away',
    id: 'prestop',
    async run(c) {
      const dir = `/tmp/kubets-prestop-${process.pid}-${Date.now()}`;
      await apply(c, podManifest(c, 'bye', {
        terminationGracePeriodSeconds: 10,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
        containers: [{
          name: 'c',
          image: c.image,
          command: ['sh', '-c', "trap 'echo term >> /out/log; exit 0' TERM; while :; do sleep 1; done"],
          volumeMounts: [{ name: 'out', mountPath: '/out' }],
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /out/log'] } } },
        }],
      }));
      await phase(c, 'bye', 'Running');
      const t0 = Date.now();
      await c.ok(['delete', 'pod', 'bye', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
      c.t.true(Date.now() - t0 < 15_000, `deletion took ${Date.now() - t0} ms`);
      const { readFileSync, rmSync } = await import('node:fs');
      const log = readFileSync(`${dir}/log`, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      c.t.is(log, 'prestop\nterm\n');
      c.t.true((await c.events()).includes('Killing: Stopping container c'));
    },
  },
  {
    title: 'a Job runs to completion on the node',
    id: 'job',
    async run(c) {
      await c.ok(['create', 'job', 'j', `--image=${c.image}`, '--', 'sh', '-c', 'echo working; sleep 1']);
      const w = await c.run(['wait', '--for=condition=complete', 'job/j', '--timeout=90s'], { timeoutMs: 100_000 });
      c.t.is(w.code, 0, w.stderr);
      c.t.is(await c.ok(['get', 'job', 'j', '-o', 'jsonpath={.status.succeeded}']), '1');
    },
  },
];
