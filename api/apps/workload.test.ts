import test from 'ava';
import type { KubeObject, Strategy } from '../types.ts';
import { daemonSetStrategy } from './daemon-set/strategy.ts';
import { deploymentStrategy } from './deployment/strategy.ts';
import { replicaSetStrategy } from './replica-set/strategy.ts';
import { statefulSetStrategy } from './stateful-set/strategy.ts';
import { replicationControllerStrategy } from '../core/replication-controller/strategy.ts';

const ctx = { now: new Date(0) };
const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });

function create(s: Strategy, spec: Record<string, unknown>, kind = 'Deployment'): KubeObject {
  const obj: KubeObject = { kind, metadata: { name: 'web', namespace: 'default' }, spec, status: { replicas: 3 } };
  s.prepareForCreate!(obj, ctx);
  return obj;
}
const msgs = (s: Strategy, o: KubeObject) => s.validate!(o).map((e) => `${e.field}: ${e.detail}`);

test('deployment defaults, status cleared, generation tracked on spec and annotations', (t) => {
  const d = create(deploymentStrategy, { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) });
  t.like(d.spec, {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' } },
  });
  // Templates get scheme defaults only: no admission fields.
  const podSpec = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  t.is(podSpec.tolerations, undefined);
  t.is(podSpec.serviceAccountName, undefined);
  t.is(podSpec.enableServiceLinks, undefined);
  t.deepEqual(deploymentStrategy.generationFields, ['spec', 'metadata.annotations']);
  t.deepEqual(d.status, {});
  t.deepEqual(msgs(deploymentStrategy, d), []);
});

test('deployment selector must match template labels', (t) => {
  const d = create(deploymentStrategy, { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'db', tier: 'x' }) });
  t.deepEqual(msgs(deploymentStrategy, d), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db", "tier":"x"}: `selector` does not match template `labels`',
  ]);
});

const deploymentErrors: Array<[string, Record<string, unknown>, string[]]> = [
  ['missing selector', { template: template({ app: 'web' }) }, ['spec.selector: Required value']],
  ['empty selector', { selector: {}, template: template({ app: 'web' }) }, [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]],
  ['restartPolicy', { selector: { matchLabels: { a: 'b' } }, template: { ...template({ a: 'b' }), spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } }, [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]],
  ['surge and unavailable zero', { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }, [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]],
  ['recreate with rollingUpdate', { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }), strategy: { type: 'Recreate', rollingUpdate: {} } }, [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]],
  ['negative replicas', { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
];
for (const [title, spec, want] of deploymentErrors) {
  test(`deployment validation: ${title}`, (t) => t.deepEqual(msgs(deploymentStrategy, create(deploymentStrategy, spec)), want));
}

test('deployment update: selector immutable', (t) => {
  const old = create(deploymentStrategy, { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) });
  const moved = structuredClone(old);
  (moved.spec as { selector: unknown }).selector = { matchLabels: { app: 'web2' } };
  (moved.spec as { template: unknown }).template = template({ app: 'web2' });
  deploymentStrategy.prepareForUpdate!(moved, old, ctx);
  t.deepEqual(deploymentStrategy.validateUpdate!(moved, old).map((e) => `${e.field}: ${e.detail}`), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('replicaset, daemonset and statefulset defaults', (t) => {
  const spec = () => ({ selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) });
  const rs = create(replicaSetStrategy, spec());
  t.is((rs.spec as { replicas: number }).replicas, 1);
  t.deepEqual(msgs(replicaSetStrategy, rs), []);
  const ds = create(daemonSetStrategy, spec());
  t.like(ds.spec, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
  t.deepEqual(msgs(daemonSetStrategy, ds), []);
  const sts = create(statefulSetStrategy, { ...spec(), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] });
  t.like(sts.spec, {
    replicas: 1,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
  });
  t.deepEqual(msgs(statefulSetStrategy, sts), []);
  const changed = structuredClone(sts);
  (changed.spec as Record<string, unknown>).serviceName = 'other';
  t.deepEqual(statefulSetStrategy.validateUpdate!(changed, sts).map((e) => e.field), ['spec']);
});

test('replication controller takes selector and labels from its template', (t) => {
  const rc = create(replicationControllerStrategy, { template: template({ app: 'x' }) }, 'ReplicationController');
  t.deepEqual((rc.spec as { selector: unknown }).selector, { app: 'x' });
  t.deepEqual(rc.metadata?.labels, { app: 'x' });
  t.deepEqual(msgs(replicationControllerStrategy, rc), []);
  const bad = create(replicationControllerStrategy, { selector: { app: 'y' }, template: template({ app: 'x' }) }, 'ReplicationController');
  t.deepEqual(msgs(replicationControllerStrategy, bad), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ]);
});

test('statefulset containers may mount volumeClaimTemplates by name; other unknown mounts are refused', (t) => {
  const tpl = template({ app: 'web' });
  const container = { name: 'c', image: 'nginx:1', volumeMounts: [{ name: 'config', mountPath: '/etc/x' }, { name: 'data', mountPath: '/data' }] };
  const sts = create(statefulSetStrategy, {
    selector: { matchLabels: { app: 'web' } },
    template: { ...tpl, spec: { containers: [container], volumes: [{ name: 'config', emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  }, 'StatefulSet');
  t.deepEqual(msgs(statefulSetStrategy, sts), []);
  container.volumeMounts.push({ name: 'nope', mountPath: '/nope' });
  t.deepEqual(msgs(statefulSetStrategy, sts), ['spec.template.spec.containers[0].volumeMounts[2].name: Not found: "nope"']);
});

// Upstream's JSON always carries these status fields (no omitempty), so a just-created object
// has them as zeros; the Python client refuses objects without them.
const zeroStatus: [string, Strategy, Record<string, number>][] = [
  ['DaemonSet', daemonSetStrategy, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }],
  ['ReplicaSet', replicaSetStrategy, { replicas: 0 }],
  ['ReplicationController', replicationControllerStrategy, { replicas: 0 }],
  ['StatefulSet', statefulSetStrategy, { replicas: 0, availableReplicas: 0 }],
  ['Deployment', deploymentStrategy, {}],
];
for (const [kind, strategy, status] of zeroStatus) {
  test(`a new ${kind} starts with the status fields upstream always sends`, (t) => {
    const o = create(strategy, { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }, kind);
    t.deepEqual(o.status, status);
  });
}
