import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { imageTag } from './defaults.ts';
import { podQOSClass, type QOSClass } from './qos.ts';
import { parseQuantity } from './quantity.ts';
import { podStrategy } from './strategy.ts';
import type { Container, Pod } from './types.ts';

const ctx = { now: new Date('2024-01-01T00:00:00Z') };

function created(spec: Pod['spec']): Pod {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  podStrategy.prepareForCreate!(pod as KubeObject, ctx);
  return pod;
}

const messages = (pod: Pod) => podStrategy.validate!(pod as KubeObject).map((e) => `${e.field}: ${e.detail}`);

test('pod create defaults as the apiserver fills them in (admission adds its own: server/apiserver/admission)', (t) => {
  const pod = created({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }], volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 'x' } }] });
  const s = pod.spec!;
  t.like(s, {
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
    securityContext: {},
    enableServiceLinks: true,
  });
  t.is(s.serviceAccountName, undefined);
  t.is(s.priority, undefined);
  t.deepEqual(s.containers![0], {
    name: 'c',
    image: 'nginx',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'Always',
    resources: {},
  });
  t.deepEqual(s.volumes, [{ name: 'v', emptyDir: {} }, { name: 's', secret: { secretName: 'x', defaultMode: 420 } }]);
  t.is(s.tolerations, undefined);
  t.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  t.deepEqual(podStrategy.generationFields, ['spec']);
  t.deepEqual(messages(pod), []);
});

const pullCases: Array<[string, string, string]> = [
  ['nginx', 'latest', 'Always'],
  ['nginx:latest', 'latest', 'Always'],
  ['nginx:1.25', '1.25', 'IfNotPresent'],
  ['localhost:5000/app', 'latest', 'Always'],
  ['localhost:5000/app:v2', 'v2', 'IfNotPresent'],
  ['nginx@sha256:abcd', '', 'IfNotPresent'],
];
for (const [image, tag, policy] of pullCases) {
  test(`imagePullPolicy for ${image}`, (t) => {
    t.is(imageTag(image), tag);
    t.is(created({ containers: [{ name: 'c', image }] }).spec!.containers![0].imagePullPolicy, policy);
  });
}

const qosCases: Array<[string, Container[], QOSClass]> = [
  ['no resources', [{ name: 'a' }], 'BestEffort'],
  ['requests only', [{ name: 'a', resources: { requests: { cpu: '100m' } } }], 'Burstable'],
  ['limits equal requests', [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } } }], 'Guaranteed'],
  ['only cpu limited', [{ name: 'a', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }], 'Burstable'],
  ['one of two containers unlimited', [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }], 'Burstable'],
  ['zero requests ignored', [{ name: 'a', resources: { requests: { cpu: '0' } } }], 'BestEffort'],
];
for (const [title, containers, want] of qosCases) {
  test(`qos: ${title}`, (t) => t.is(podQOSClass({ containers }), want));
}

test('limits become requests on a Pod, so limits alone give Guaranteed', (t) => {
  const pod = created({ containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
  t.deepEqual(pod.spec!.containers![0].resources?.requests, { cpu: '500m', memory: '128Mi' });
  t.is(pod.status?.qosClass, 'Guaranteed');
});

test('quantities', (t) => {
  t.is(parseQuantity('100m'), 0.1);
  t.is(parseQuantity('1Gi'), 1073741824);
  t.is(parseQuantity('1e3'), 1000);
  t.is(parseQuantity('1.5k'), 1500);
  t.is(parseQuantity('abc'), undefined);
  t.is(parseQuantity('1Kb'), undefined);
});

const invalidCases: Array<[string, Pod['spec'], string[]]> = [
  ['no containers', { containers: [] }, ['spec.containers: Required value']],
  ['missing name and image', { containers: [{}] }, ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value']],
  ['duplicate names', { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }, ['spec.containers[1].name: Duplicate value: "a"']],
  ['bad port', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
  ['bad protocol', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }, ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
  ['restart policy', { restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x' }] }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
  ['bad quantity', { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 'lots' } } }] }, [`spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`]],
  ['requests over limits', { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
  ['unknown mount', { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
  ['init container probe', { initContainers: [{ name: 'i', image: 'x', readinessProbe: { exec: { command: ['true'] } } }], containers: [{ name: 'a', image: 'x' }] }, ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']],
  ['init container lifecycle', { initContainers: [{ name: 'i', image: 'x', lifecycle: { preStop: { exec: { command: ['true'] } } } }], containers: [{ name: 'a', image: 'x' }] }, ['spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always']],
  ['init container restartPolicy other than Always', { initContainers: [{ name: 'i', image: 'x', restartPolicy: 'OnFailure', startupProbe: { exec: { command: ['true'] } } }], containers: [{ name: 'a', image: 'x' }] }, [
    'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.initContainers[0].startupProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
  ]],
  ['restartPolicy on a regular container', { containers: [{ name: 'a', image: 'x', restartPolicy: 'Always' }] }, ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
  ['restartPolicy on an ephemeral container', { containers: [{ name: 'a', image: 'x' }], ephemeralContainers: [{ name: 'd', image: 'x', restartPolicy: 'Always' }] }, ['spec.ephemeralContainers[0].restartPolicy: Forbidden: cannot be set for an Ephemeral Container']],
  ['sidecar probes are validated', { initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always', livenessProbe: { periodSeconds: 1 } }], containers: [{ name: 'a', image: 'x' }] }, ['spec.initContainers[0].livenessProbe: Required value: must specify a handler type']],
  ['toleration', { containers: [{ name: 'a', image: 'x' }], tolerations: [{ key: 'k', operator: 'Exists', value: 'v', effect: 'NoSchedule', tolerationSeconds: 5 }] }, [
    'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
    'spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
  ]],
  ['two volume sources', { containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }, ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type']],
];
test('pod validation: a sidecar may have probes and hooks', (t) => {
  const probe = { exec: { command: ['true'] } };
  const sidecar = { name: 's', image: 'x', restartPolicy: 'Always', livenessProbe: probe, readinessProbe: probe, startupProbe: probe, lifecycle: { postStart: probe, preStop: probe } };
  t.deepEqual(messages(created({ initContainers: [sidecar], containers: [{ name: 'a', image: 'x' }] })).filter((m) => !m.includes('Required value: name or generate')), []);
});

for (const [title, spec, want] of invalidCases) {
  test(`pod validation: ${title}`, (t) => {
    const errs = messages(created(spec)).filter((m) => !m.includes('Required value: name or generate'));
    t.deepEqual(errs, want);
  });
}

test('pod update: image may change, other spec fields may not', (t) => {
  const old = created({ containers: [{ name: 'a', image: 'x:1' }] });
  old.metadata = { ...old.metadata, uid: 'u', resourceVersion: '1' };
  const next = structuredClone(old);
  next.spec!.containers![0].image = 'x:2';
  podStrategy.prepareForUpdate!(next as KubeObject, old as KubeObject, ctx);
  t.deepEqual(podStrategy.validateUpdate!(next as KubeObject, old as KubeObject), []);

  const bad = structuredClone(old);
  bad.spec!.restartPolicy = 'Never';
  bad.spec!.containers![0].ports = [{ containerPort: 80, protocol: 'TCP' }];
  const errs = podStrategy.validateUpdate!(bad as KubeObject, old as KubeObject);
  t.is(errs.length, 1);
  t.is(errs[0].field, 'spec');
  t.true(errs[0].detail.startsWith('Forbidden: pod updates may not change fields other than `spec.containers[*].image`'));
  t.true(errs[0].detail.endsWith('changed: spec.containers[0].ports, spec.restartPolicy'));
});

test('pod update: tolerations may only be added, deadline only shortened', (t) => {
  const old = created({ containers: [{ name: 'a', image: 'x:1' }], activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] });
  const next = structuredClone(old);
  next.spec!.tolerations = [...next.spec!.tolerations!.slice(1), { key: 'k', operator: 'Exists' }];
  next.spec!.activeDeadlineSeconds = 200;
  t.deepEqual(
    podStrategy.validateUpdate!(next as KubeObject, old as KubeObject).map((e) => `${e.field}: ${e.detail}`),
    [
      'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ],
  );
});
