import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import { exitAfterMs, exitCode, exitedStatus, imageRepository, parseDuration, runningStatus, simPodView } from './pod.ts';

const durationCases: Array<[string, number | undefined]> = [
  ['2s', 2000], ['500ms', 500], ['1m30s', 90_000], ['1.5h', 5_400_000], ['', undefined], ['2', undefined], ['2x', undefined],
];
for (const [s, want] of durationCases) test(`parseDuration(${JSON.stringify(s)})`, (t) => t.is(parseDuration(s), want));

const pod = (o: { restartPolicy?: string; annotations?: Record<string, string> }): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', annotations: o.annotations },
  spec: { restartPolicy: o.restartPolicy, containers: [{ name: 'main', image: 'busybox:1.36' }] },
});

const exitCases: Array<{ name: string; pod: Pod; after: number | undefined; code: number }> = [
  { name: 'a server runs forever', pod: pod({ restartPolicy: 'Always' }), after: undefined, code: 0 },
  { name: 'a Job pod exits after 1 s', pod: pod({ restartPolicy: 'Never' }), after: 1000, code: 0 },
  { name: 'OnFailure also exits', pod: pod({ restartPolicy: 'OnFailure' }), after: 1000, code: 0 },
  { name: 'the annotation sets the time', pod: pod({ annotations: { 'kubets.io/sim-exit-after': '2s' } }), after: 2000, code: 0 },
  { name: 'and the exit code', pod: pod({ restartPolicy: 'Never', annotations: { 'kubets.io/sim-exit-code': '1' } }), after: 1000, code: 1 },
];
for (const tc of exitCases) {
  test(`exit: ${tc.name}`, (t) => {
    t.is(exitAfterMs(tc.pod), tc.after);
    t.is(exitCode(tc.pod), tc.code);
  });
}

const imageCases: Array<[string, string]> = [
  ['busybox', 'docker.io/library/busybox'],
  ['busybox:1.36', 'docker.io/library/busybox'],
  ['bitnami/nginx:1.25', 'docker.io/bitnami/nginx'],
  ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause'],
  ['localhost:5000/app@sha256:abc', 'localhost:5000/app'],
];
for (const [image, want] of imageCases) test(`imageRepository(${image})`, (t) => t.is(imageRepository(image), want));

test('runningStatus: phase, IPs, conditions and ready containers', (t) => {
  const now = new Date('2024-01-01T00:00:05.123Z');
  const s = runningStatus(pod({}), '10.244.1.1', '10.244.1.7', now);
  t.like(s, { phase: 'Running', hostIP: '10.244.1.1', podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }], startTime: '2024-01-01T00:00:05Z' });
  t.deepEqual((s.conditions as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`), [
    'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True',
  ]);
  const [c] = s.containerStatuses as Array<Record<string, unknown>>;
  t.like(c, { name: 'main', image: 'docker.io/library/busybox:1.36', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2024-01-01T00:00:05Z' } } });
  t.regex(c.imageID as string, /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
  t.regex(c.containerID as string, /^containerd:\/\/[0-9a-f]{64}$/);
});

test('runningStatus: hostNetwork pods use the host IP', (t) => {
  const p = pod({});
  p.spec = { ...p.spec, hostNetwork: true };
  t.is(runningStatus(p, '10.244.1.1', '10.244.1.7', new Date()).podIP, '10.244.1.1');
});

const exitedCases = [
  { code: 0, phase: 'Succeeded', reason: 'Completed' },
  { code: 1, phase: 'Failed', reason: 'Error' },
];
for (const tc of exitedCases) {
  test(`exitedStatus with exit code ${tc.code}`, (t) => {
    const s = exitedStatus(pod({}), '10.244.1.1', '10.244.1.7', '2024-01-01T00:00:00Z', new Date('2024-01-01T00:00:02Z'), tc.code);
    t.is(s.phase, tc.phase);
    const [c] = s.containerStatuses as Array<Record<string, unknown>>;
    t.like(c, { ready: false, state: { terminated: { exitCode: tc.code, reason: tc.reason, startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:00:02Z' } } });
    t.like((s.conditions as unknown[])[2], { type: 'Ready', status: 'False', reason: 'PodCompleted' });
  });
}

test('simPodView keeps what a pod\'s life reads and drops the rest', (t) => {
  const full = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '7', deletionTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'a' },
      annotations: { 'kubets.io/sim-exit-after': '2s', 'kubets.io/sim-exit-code': '3', other: 'x' },
      managedFields: [{ manager: 'm', operation: 'Update' }], ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'r', apiVersion: 'apps/v1' }],
    },
    spec: {
      nodeName: 'n1', hostNetwork: true, restartPolicy: 'Never', schedulerName: 'default-scheduler', volumes: [{ name: 'v' }],
      initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always', command: ['sh'] }],
      containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '1' } }, terminationMessagePath: '/dev/termination-log' }],
    },
    status: { phase: 'Running', podIP: '10.244.0.5', startTime: '2026-01-01T00:00:00Z' },
  } as Pod;
  const view = simPodView(full);
  t.deepEqual(view, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '7', deletionTimestamp: '2026-01-01T00:00:00Z', annotations: { 'kubets.io/sim-exit-after': '2s', 'kubets.io/sim-exit-code': '3' } },
    spec: { nodeName: 'n1', hostNetwork: true, restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always' }], containers: [{ name: 'main', image: 'busybox:1.36' }] },
    status: full.status,
  } as Pod);
  // Everything the sim derives from a pod is the same from the view.
  t.is(exitAfterMs(view), exitAfterMs(full));
  t.is(exitCode(view), exitCode(full));
  const now = new Date('2026-01-01T00:00:01Z');
  t.deepEqual(runningStatus(view, '10.244.0.1', '10.244.0.5', now), runningStatus(full, '10.244.0.1', '10.244.0.5', now));
  t.deepEqual(exitedStatus(view, '10.244.0.1', '10.244.0.5', 'x', now, 3), exitedStatus(full, '10.244.0.1', '10.244.0.5', 'x', now, 3));
});
