import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import type { ContainerStatus as CriStatus } from '../cri/types.ts';
import { containerStatus, podPhase, podStatus, type ContainerView } from './status.ts';

const NS = 1_700_000_000_000_000_000;
function run(attempt: number, state: CriStatus['state'], exitCode = 0, reason = ''): CriStatus {
  return { id: `id${attempt}`, metadata: { name: 'c', attempt }, state, createdAt: NS, startedAt: NS, finishedAt: state === 'CONTAINER_EXITED' ? NS + 1e9 : 0, exitCode, image: null, imageRef: 'sha256:x', reason, message: '', labels: {}, annotations: {}, logPath: '' };
}
const view = (runs: CriStatus[], extra: Partial<ContainerView> = {}): ContainerView => ({ runs, ready: false, started: false, ...extra });
const pod = (restartPolicy: string, init = false): Pod => ({ metadata: { name: 'p', namespace: 'n', uid: 'u' }, spec: { restartPolicy, containers: [{ name: 'c', image: 'i' }], initContainers: init ? [{ name: 'i', image: 'i' }] : undefined } });

test('a crash-looping container: waiting CrashLoopBackOff, lastState the run that failed, restartCount its attempt', (t) => {
  const s = containerStatus({ name: 'c', image: 'i' }, view([run(2, 'CONTAINER_EXITED', 3)], { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } }), false);
  t.deepEqual(s.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } });
  t.like(s.lastState as object, { terminated: { exitCode: 3, reason: 'Error', containerID: 'containerd://id2' } });
  t.is(s.restartCount, 2);
});

test('running after a restart: lastState is the previous run; a runtime reason (StartError) is kept', (t) => {
  const s = containerStatus({ name: 'c', image: 'i' }, view([run(1, 'CONTAINER_RUNNING'), run(0, 'CONTAINER_EXITED', 128, 'StartError')]), false);
  t.truthy((s.state as { running?: unknown }).running);
  t.like(s.lastState as object, { terminated: { exitCode: 128, reason: 'StartError' } });
});

test('no run yet: ContainerCreating, or PodInitializing in a pod with init containers', (t) => {
  t.deepEqual(containerStatus({ name: 'c' }, undefined, false).state, { waiting: { reason: 'ContainerCreating' } });
  t.deepEqual(containerStatus({ name: 'c' }, undefined, true).state, { waiting: { reason: 'PodInitializing' } });
  t.deepEqual(containerStatus({ name: 'c' }, view([], { waiting: { reason: 'ErrImagePull', message: 'm' } }), true).state, { waiting: { reason: 'ErrImagePull', message: 'm' } });
});

// Upstream's kubelet: every container not created yet waits with PodInitializing when the pod has init containers (kubectl: Init:0/N, then PodInitializing), ContainerCreating otherwise.
const waitingCases: { name: string; init: boolean; initialized: boolean; runs: Record<string, CriStatus[]>; want: { init?: (string | undefined)[]; main: (string | undefined)[] } }[] = [
  { name: 'no init containers: ContainerCreating', init: false, initialized: true, runs: {}, want: { main: ['ContainerCreating'] } },
  { name: 'init not started: the init container and the main one PodInitializing', init: true, initialized: false, runs: {}, want: { init: ['PodInitializing'], main: ['PodInitializing'] } },
  { name: 'init running: the main container PodInitializing', init: true, initialized: false, runs: { 'init/i': [run(0, 'CONTAINER_RUNNING')] }, want: { init: [undefined], main: ['PodInitializing'] } },
  { name: 'initialized, main not created yet: still PodInitializing', init: true, initialized: true, runs: { 'init/i': [run(0, 'CONTAINER_EXITED')] }, want: { init: [undefined], main: ['PodInitializing'] } },
];
for (const c of waitingCases) {
  test(`waiting reason: ${c.name}`, (t) => {
    const containers = new Map(Object.entries(c.runs).map(([k, r]) => [k, view(r)]));
    const s = podStatus({ pod: pod('Always', c.init), hostIP: '10.0.0.1', podIPs: [], sandboxReady: true, initialized: c.initialized, containers, now: new Date() });
    const reasons = (key: string) => ((s[key] ?? []) as { state: { waiting?: { reason: string } } }[]).map((x) => x.state.waiting?.reason);
    t.deepEqual(reasons('containerStatuses'), c.want.main);
    if (c.want.init) t.deepEqual(reasons('initContainerStatuses'), c.want.init);
  });
}

const term = (exitCode: number) => ({ state: { terminated: { exitCode } }, lastState: {} });
const cases: [string, string, Record<string, unknown>[], string][] = [
  ['Never, exit 0', 'Never', [term(0)], 'Succeeded'],
  ['Never, exit 1', 'Never', [term(1)], 'Failed'],
  ['OnFailure, exit 1: will restart', 'OnFailure', [term(1)], 'Running'],
  ['OnFailure, exit 0', 'OnFailure', [term(0)], 'Succeeded'],
  ['Always, all exited', 'Always', [term(0)], 'Running'],
  ['waiting, never ran', 'Always', [{ state: { waiting: {} }, lastState: {} }], 'Pending'],
  ['waiting after a crash', 'Always', [{ state: { waiting: {} }, lastState: { terminated: {} } }], 'Running'],
];
for (const [name, policy, statuses, want] of cases) test(`phase: ${name}`, (t) => t.is(podPhase(pod(policy), statuses, true, false), want));

test('phase: an init container failed with restartPolicy Never fails the pod', (t) => {
  t.is(podPhase(pod('Never', true), [], false, true), 'Failed');
  t.is(podPhase(pod('Always', true), [], false, true), 'Pending');
});

test('pod status: conditions with upstream reasons, podIPs, and lastTransitionTime kept while a condition holds', (t) => {
  const p = pod('Always');
  p.status = { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2020-01-01T00:00:00Z' }, { type: 'PodScheduled', status: 'True' }] };
  const s = podStatus({ pod: p, hostIP: '10.0.0.1', podIPs: ['10.88.0.5'], sandboxReady: true, initialized: true, containers: new Map([['c', view([run(0, 'CONTAINER_RUNNING')])]]), now: new Date('2024-01-01T00:00:00Z') });
  const cond = s.conditions as { type: string; status: string; reason?: string; message?: string; lastTransitionTime: string }[];
  t.deepEqual(cond.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  const ready = cond.find((c) => c.type === 'Ready')!;
  t.is(ready.reason, 'ContainersNotReady');
  t.is(ready.message, 'containers with unready status: [c]');
  t.is(ready.lastTransitionTime, '2020-01-01T00:00:00Z');
  t.is(s.phase, 'Running');
  t.deepEqual(s.podIPs, [{ ip: '10.88.0.5' }]);
  t.deepEqual(s.hostIPs, [{ ip: '10.0.0.1' }]);
});

test('pod status: an ephemeral container has its own status list and leaves the phase and readiness alone', (t) => {
  const p = pod('Always');
  p.spec!.ephemeralContainers = [{ name: 'dbg', image: 'i' }];
  const s = podStatus({ pod: p, hostIP: '10.0.0.1', podIPs: [], sandboxReady: true, initialized: true, containers: new Map([['c', view([run(0, 'CONTAINER_RUNNING')], { ready: true, started: true })], ['eph/dbg', view([run(0, 'CONTAINER_EXITED', 1)])]]), now: new Date() });
  t.is(s.phase, 'Running');
  t.is((s.conditions as { type: string; status: string }[]).find((c) => c.type === 'Ready')!.status, 'True');
  const eph = s.ephemeralContainerStatuses as Record<string, unknown>[];
  t.is(eph.length, 1);
  t.like(eph[0], { name: 'dbg', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } });
  t.false('started' in eph[0]);
});

const sidecarPod = (restartPolicy: string): Pod => ({
  metadata: { name: 'p', namespace: 'n', uid: 'u' },
  spec: { restartPolicy, initContainers: [{ name: 'setup', image: 'i' }, { name: 'proxy', image: 'i', restartPolicy: 'Always' }], containers: [{ name: 'c', image: 'i' }] },
});

test('pod status: an unready sidecar keeps the pod NotReady and is named first', (t) => {
  const containers = new Map([
    ['init/setup', view([run(0, 'CONTAINER_EXITED', 0)], { ready: true })],
    ['init/proxy', view([run(0, 'CONTAINER_RUNNING')], { started: true, ready: false })],
    ['c', view([run(0, 'CONTAINER_RUNNING')], { started: true, ready: false })],
  ]);
  const s = podStatus({ pod: sidecarPod('Always'), hostIP: 'h', podIPs: [], sandboxReady: true, initialized: true, containers, now: new Date() });
  const cond = s.conditions as { type: string; status: string; message?: string }[];
  t.like(cond.find((c) => c.type === 'Ready'), { status: 'False', message: 'containers with unready status: [proxy c]' });
  t.like(cond.find((c) => c.type === 'Initialized'), { status: 'True' });
  t.like((s.initContainerStatuses as object[])[1], { name: 'proxy', started: true, ready: false, state: { running: { startedAt: '2023-11-14T22:13:20Z' } } });
});

test('pod status: a sidecar not yet started leaves the pod Initialized False, naming it', (t) => {
  const containers = new Map([
    ['init/setup', view([run(0, 'CONTAINER_EXITED', 0)], { ready: true })],
    ['init/proxy', view([run(0, 'CONTAINER_RUNNING')], { started: false })],
  ]);
  const s = podStatus({ pod: sidecarPod('Always'), hostIP: 'h', podIPs: [], sandboxReady: true, initialized: false, containers, now: new Date() });
  t.is(s.phase, 'Pending');
  t.like((s.conditions as object[]).find((c) => (c as { type: string }).type === 'Initialized'), { status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [proxy]' });
});

test("pod status: a Job's pod completes when its main container does, whatever the sidecar's exit", (t) => {
  const containers = new Map([
    ['init/setup', view([run(0, 'CONTAINER_EXITED', 0)], { ready: true })],
    ['init/proxy', view([run(0, 'CONTAINER_EXITED', 137)])],
    ['c', view([run(0, 'CONTAINER_EXITED', 0)])],
  ]);
  const s = podStatus({ pod: sidecarPod('Never'), hostIP: 'h', podIPs: [], sandboxReady: false, initialized: true, containers, now: new Date() });
  t.is(s.phase, 'Succeeded');
  t.like((s.conditions as object[]).find((c) => (c as { type: string }).type === 'Initialized'), { status: 'True' });
});
