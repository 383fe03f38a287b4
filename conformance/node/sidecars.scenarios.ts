// Sidecars (restartable init containers, KEP-753) on a real node: started before the main
// containers and kept running beside them, counted in READY and the Ready condition,
// restarted whatever the pod's restartPolicy, stopped after the main containers (in reverse
// order) on deletion, and out of the way of a Job's completion; and a container or sidecar
// whose image a pod update changes is killed and started again from the new spec.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerdLayout } from '../../node/cri/containerd-config.ts';
import { buildBusyboxImage, importImage } from '../../node/cri/image.ts';
import { apply, phase, podManifest } from './pods.scenarios.ts';
import type { NodeCtx, NodeScenario } from './scenario.ts';

/** `sh -c` for a container that waits until SIGTERM, then runs `onTerm` and exits 0 at once. */
const untilTerm = (onTerm = 'true') => ['sh', '-c', `trap '${onTerm}; exit 0' TERM; sleep 3600 & wait`];

/** `kubectl get pod NAME --no-headers`: [NAME, READY, STATUS, RESTARTS, AGE]. */
async function row(c: NodeCtx, name: string): Promise<string[]> {
  return (await c.ok(['get', 'pod', name, '--no-headers'])).trim().split(/\s+/);
}

export const sidecarScenarios: NodeScenario[] = [
  {
    title: 'a sidecar serves a file the main container reads: started first (startupProbe), both ready, READY 2/2',
    id: 'sidecar-serve',
    async run(c) {
      await apply(c, podManifest(c, 'web', {
        initContainers: [{
          name: 'server',
          image: c.image,
          restartPolicy: 'Always',
          command: ['sh', '-c', 'mkdir -p /www && echo -n hello-from-sidecar > /www/msg && exec httpd -f -p 8080 -h /www'],
          startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        }],
        containers: [{
          name: 'main',
          image: c.image,
          // Fails (and would be restarted) unless the sidecar already serves when main starts.
          command: ['sh', '-c', "printf 'GET /msg HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 > /tmp/got; grep -q hello-from-sidecar /tmp/got || exit 1; sleep 3600"],
        }],
      }));
      await c.waitFor('pod web Ready', async () => ((await c.pod('web')).status.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? true : undefined), 90_000);
      const p = await c.pod('web');
      c.t.is(p.status.phase, 'Running');
      const side = p.status.initContainerStatuses?.[0] as unknown as Record<string, unknown>;
      c.t.deepEqual([side.name, side.started, side.ready, side.restartCount, !!(side.state as { running?: unknown }).running], ['server', true, true, 0, true]);
      c.t.is(p.status.containerStatuses?.[0].restartCount, 0);
      c.t.is(p.status.conditions?.find((x) => x.type === 'Initialized')?.status, 'True');
      c.t.deepEqual((await row(c, 'web')).slice(1, 4), ['2/2', 'Running', '0']);
      c.t.regex(await c.ok(['exec', 'web', '-c', 'main', '--', 'cat', '/tmp/got']), /hello-from-sidecar$/);
    },
  },
  {
    title: 'a Job with a sidecar completes when its main container does; the sidecar is stopped and its exit does not fail the pod',
    id: 'sidecar-job',
    async run(c) {
      await apply(c, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j', namespace: c.ns },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              terminationGracePeriodSeconds: 5,
              initContainers: [{ name: 'helper', image: c.image, restartPolicy: 'Always', command: untilTerm() }],
              containers: [{ name: 'main', image: c.image, command: ['sh', '-c', 'echo -n worked > /dev/termination-log'] }],
            },
          },
        },
      });
      const w = await c.run(['wait', '--for=condition=complete', 'job/j', '--timeout=90s'], { timeoutMs: 100_000 });
      c.t.is(w.code, 0, w.stderr);
      const name = (await c.ok(['get', 'pods', '-l', 'job-name=j', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
      const p = await c.waitFor('the sidecar stopped', async () => {
        const p = await c.pod(name);
        return p.status.initContainerStatuses?.[0]?.state.terminated ? p : undefined;
      }, 30_000);
      c.t.is(p.status.phase, 'Succeeded');
      c.t.is(p.status.containerStatuses?.[0].state.terminated?.message, 'worked');
      c.t.is(p.status.initContainerStatuses?.[0].restartCount, 0);
      c.t.is(await c.ok(['get', 'job', 'j', '-o', 'jsonpath={.status.succeeded}']), '1');
    },
  },
  {
    title: 'a sidecar whose readiness probe fails keeps the pod NotReady (READY 1/2) while the main container runs',
    id: 'sidecar-unready',
    async run(c) {
      await apply(c, podManifest(c, 'nr', {
        initContainers: [{ name: 'proxy', image: c.image, restartPolicy: 'Always', command: untilTerm(), readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 } }],
        containers: [{ name: 'main', image: c.image, command: untilTerm() }],
      }));
      await phase(c, 'nr', 'Running');
      await c.waitFor('the sidecar probed unready', async () => ((await c.events()).some((e) => e.startsWith('Unhealthy: Readiness probe failed')) ? true : undefined), 30_000);
      const p = await c.pod('nr');
      const ready = p.status.conditions?.find((x) => x.type === 'Ready') as { status: string; reason?: string; message?: string };
      c.t.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ContainersNotReady', 'containers with unready status: [proxy]']);
      const side = p.status.initContainerStatuses?.[0] as unknown as Record<string, unknown>;
      c.t.deepEqual([side.started, side.ready], [true, false]);
      c.t.is(p.status.containerStatuses?.[0].ready, true);
      c.t.deepEqual((await row(c, 'nr')).slice(1, 3), ['1/2', 'Running']);
    },
  },
  {
    title: 'a sidecar that exits is restarted even with restartPolicy Never; the main container is left alone',
    id: 'sidecar-restart',
    async run(c) {
      await apply(c, podManifest(c, 'rs', {
        restartPolicy: 'Never',
        initContainers: [{ name: 'flaky', image: c.image, restartPolicy: 'Always', command: ['sh', '-c', 'sleep 1; exit 3'] }],
        containers: [{ name: 'main', image: c.image, command: untilTerm() }],
      }));
      const side = await c.waitFor('the sidecar restarted', async () => {
        const s = (await c.pod('rs')).status.initContainerStatuses?.[0];
        return s && s.restartCount >= 1 ? s : undefined;
      }, 60_000);
      c.t.is(side.lastState.terminated?.exitCode, 3);
      const p = await c.pod('rs');
      c.t.is(p.status.phase, 'Running');
      c.t.is(p.status.containerStatuses?.[0].restartCount, 0);
    },
  },
  {
    title: 'on deletion the main container stops first, then the sidecars in reverse order of declaration',
    id: 'sidecar-stop-order',
    async run(c) {
      const dir = `/tmp/kubets-sidecar-order-${process.pid}-${Date.now()}`;
      const out = { name: 'out', mountPath: '/out' };
      const shared = { name: 'shared', mountPath: '/shared' };
      // Each writes at SIGTERM whether the main container was already gone (its file in the shared emptyDir).
      const sidecar = (name: string) => ({
        name, image: c.image, restartPolicy: 'Always', volumeMounts: [out, shared],
        command: untilTerm(`if [ -e /shared/main-gone ]; then echo ${name}:after-main >> /out/log; else echo ${name}:main-still-there >> /out/log; fi`),
      });
      await apply(c, podManifest(c, 'order', {
        terminationGracePeriodSeconds: 20,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'DirectoryOrCreate' } }, { name: 'shared', emptyDir: {} }],
        initContainers: [sidecar('first'), sidecar('second')],
        containers: [{ name: 'main', image: c.image, volumeMounts: [out, shared], command: untilTerm('echo main >> /out/log; touch /shared/main-gone') }],
      }));
      await phase(c, 'order', 'Running');
      await c.ok(['delete', 'pod', 'order', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
      const log = readFileSync(`${dir}/log`, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      c.t.is(log, 'main\nsecond:after-main\nfirst:after-main\n');
    },
  },
  {
    title: "a sidecar's requests count: the kubelet rejects a pod bound past the scheduler (OutOfcpu), the scheduler leaves the same pod Pending",
    id: 'sidecar-requests',
    async run(c) {
      const spec = (nodeName?: string) => ({
        ...(nodeName ? { nodeName } : {}),
        // The main container alone fits on any node; with its sidecar it needs 1000.5 cores.
        initContainers: [{ name: 'side', image: c.image, restartPolicy: 'Always', command: untilTerm(), resources: { requests: { cpu: '1000' } } }],
        containers: [{ name: 'main', image: c.image, command: untilTerm(), resources: { requests: { cpu: '500m' } } }],
      });
      await apply(c, podManifest(c, 'bound', spec(c.node)));
      const p = await c.waitFor('the kubelet rejected it', async () => {
        const p = await c.pod('bound');
        return p.status.phase === 'Failed' ? p : undefined;
      }, 30_000);
      const st = p.status as { reason?: string; message?: string };
      c.t.is(st.reason, 'OutOfcpu');
      c.t.regex(st.message ?? '', /^Pod was rejected: Node didn't have enough resource: cpu, requested: 1000500, used: \d+, capacity: \d+$/);
      await apply(c, podManifest(c, 'sched', spec()));
      await c.waitFor('FailedScheduling', async () => ((await c.events()).some((e) => e.startsWith('FailedScheduling:') && e.includes('Insufficient cpu')) ? true : undefined), 30_000);
      c.t.is((await c.pod('sched')).status.phase, 'Pending');
    },
  },
  {
    title: 'a sidecar failing its liveness probe is killed and restarted; the main container keeps running',
    id: 'sidecar-liveness',
    async run(c) {
      await apply(c, podManifest(c, 'lv', {
        initContainers: [{
          name: 'agent', image: c.image, restartPolicy: 'Always',
          // Alive for 2 s after each start, then the probe's file goes.
          command: ['sh', '-c', "touch /tmp/alive; (sleep 2; rm /tmp/alive) & trap 'exit 0' TERM; sleep 3600 & wait"],
          livenessProbe: { exec: { command: ['test', '-e', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
        }],
        containers: [{ name: 'main', image: c.image, command: untilTerm() }],
      }));
      await c.waitFor('the sidecar restarted', async () => (((await c.pod('lv')).status.initContainerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined), 60_000);
      const ev = await c.events();
      c.t.true(ev.includes('Killing: Init container agent failed liveness probe'), ev.join('\n'));
      const p = await c.pod('lv');
      c.t.is(p.status.phase, 'Running');
      c.t.is(p.status.containerStatuses?.[0].restartCount, 0);
    },
  },
  {
    title: 'kubectl set image: the running container and sidecar are killed (Killing: definition changed) and started again from the new image, restartCount 1, even with restartPolicy Never',
    id: 'set-image',
    async run(c) {
      // A second tag of the busybox image, imported as `kubets image import` does.
      const other = 'localhost/kubets/busybox:2';
      const dir = mkdtempSync(join(tmpdir(), 'kubets-image-2-'));
      try {
        await buildBusyboxImage(join(dir, 'image.tar'), { tags: [other] });
        await importImage(`unix://${containerdLayout(c.agentDir).socket}`, join(dir, 'image.tar'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await apply(c, podManifest(c, 'img', {
        restartPolicy: 'Never',
        initContainers: [{ name: 'side', image: c.image, restartPolicy: 'Always', command: untilTerm() }],
        containers: [{ name: 'main', image: c.image, command: untilTerm() }],
      }));
      await phase(c, 'img', 'Running');
      const before = await c.pod('img');
      await c.ok(['set', 'image', 'pod/img', `main=${other}`, `side=${other}`]);
      const p = await c.waitFor('both restarted and running', async () => {
        const p = await c.pod('img');
        const all = [p.status.containerStatuses?.[0], p.status.initContainerStatuses?.[0]];
        return all.every((s) => s?.restartCount === 1 && s.state.running) ? p : undefined;
      }, 60_000);
      const [main, side] = [p.status.containerStatuses![0], p.status.initContainerStatuses![0]];
      c.t.true(main.containerID !== before.status.containerStatuses![0].containerID && side.containerID !== before.status.initContainerStatuses![0].containerID, 'new containers');
      c.t.deepEqual([main.image, main.lastState.terminated?.containerID, side.lastState.terminated?.containerID], [other, before.status.containerStatuses![0].containerID, before.status.initContainerStatuses![0].containerID]);
      const ev = await c.events();
      c.t.true(ev.includes('Killing: Container main definition changed, will be restarted'), ev.join('\n'));
      c.t.true(ev.includes('Killing: Init container side definition changed'), ev.join('\n'));
      c.t.is(p.status.phase, 'Running');
      await c.waitFor('Ready again', async () => ((await c.pod('img')).status.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? true : undefined), 30_000);
      c.t.deepEqual((await row(c, 'img')).slice(1, 4), ['2/2', 'Running', '2']);
    },
  },
];
