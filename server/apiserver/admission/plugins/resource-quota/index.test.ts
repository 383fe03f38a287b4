import test from 'ava';
import type { ResourceQuota } from '../../../../../api/core/resource-quota/usage.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { admissionDeps, attributes, refusal } from '../../../../../testing/admission.ts';
import { resourceQuota } from './index.ts';
import { podConstraintError, usageDelta } from './usage.ts';

const quota = (name: string, hard: Record<string, string>, used: Record<string, string> | undefined, scopes?: string[]): ResourceQuota => ({
  metadata: { name, namespace: 'default', resourceVersion: '1' },
  spec: { hard, scopes },
  status: used ? { hard, used } : undefined,
});
const pod = (name: string, res?: { requests?: Record<string, string>; limits?: Record<string, string> }, deadline?: number): KubeObject => ({
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', resources: res ?? {} }], ...(deadline ? { activeDeadlineSeconds: deadline } : {}) },
});

/** A plugin over the given quotas; writes land in `stored`. */
function setup(quotas: ResourceQuota[]) {
  const stored = new Map(quotas.map((q) => [q.metadata!.name!, structuredClone(q)]));
  const plugin = resourceQuota(admissionDeps({
    listObjects: async (_g, r) => (r === 'resourcequotas' ? quotas : []),
    updateObject: async (_g, _r, _ns, name, change) => {
      const next = await change(structuredClone(stored.get(name)!));
      stored.set(name, next as ResourceQuota);
      return next;
    },
  }));
  return { plugin, stored };
}

test('a create within quota is charged on the quota at once', async (t) => {
  const { plugin, stored } = setup([quota('q', { pods: '2', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '250m' })]);
  t.is(await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('p', { requests: { cpu: '500m' } }) })), undefined);
  t.deepEqual(stored.get('q')!.status!.used, { pods: '2', 'requests.cpu': '750m' });
});

test('over quota is refused with upstream message and nothing is charged', async (t) => {
  const { plugin, stored } = setup([quota('q', { pods: '2' }, { pods: '2' })]);
  const e = await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('p') }));
  t.is(e?.code, 403);
  t.is(e?.message, 'pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  t.deepEqual(stored.get('q')!.status!.used, { pods: '2' });
});

test('the live quota decides: a charge made since the cached read counts', async (t) => {
  const cached = quota('q', { 'count/configmaps': '3' }, { 'count/configmaps': '2' });
  const { plugin, stored } = setup([cached]);
  stored.get('q')!.status!.used = { 'count/configmaps': '3' };
  const e = await refusal(plugin.validate, attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c', namespace: 'default' } } }));
  t.is(e?.message, 'configmaps "c" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3');
});

test('compute quotas need every container to say its requests and limits', async (t) => {
  const { plugin } = setup([quota('compute', { 'limits.memory': '1Gi', 'requests.cpu': '1' }, { 'limits.memory': '0', 'requests.cpu': '0' })]);
  const e = await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('p') }));
  t.is(e?.message, 'pods "p" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c');
  const over = await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('p', { requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '2Gi' } }) }));
  t.is(over?.message, 'pods "p" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=0, limited: limits.memory=1Gi');
});

test('a quota without status yet refuses, as upstream', async (t) => {
  const { plugin } = setup([quota('fresh', { pods: '5' }, undefined)]);
  t.is((await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('p') })))?.message, 'pods "p" is forbidden: status unknown for quota: fresh, resources: pods');
});

test('scoped quotas count only the pods they select; dry runs charge nothing', async (t) => {
  const { plugin, stored } = setup([quota('long', { pods: '0' }, { pods: '0' }, ['NotTerminating'])]);
  t.is(await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('batch', undefined, 60) })), undefined);
  t.truthy(await refusal(plugin.validate, attributes('CREATE', 'pods', { object: pod('web') })));
  t.is(await refusal(plugin.validate, attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c', namespace: 'default' } } })), undefined);
  const dry = setup([quota('q', { 'count/deployments.apps': '1' }, { 'count/deployments.apps': '0' })]);
  t.is(await refusal(dry.plugin.validate, attributes('CREATE', 'deployments', { group: 'apps', dryRun: true, object: { metadata: { name: 'd', namespace: 'default' } } })), undefined);
  t.deepEqual(dry.stored.get('q')!.status!.used, { 'count/deployments.apps': '0' });
  t.deepEqual(stored.get('long')!.status!.used, { pods: '0' });
});

test('usage of one object per quota resource', (t) => {
  const pods = { group: '', plural: 'pods' };
  t.is(usageDelta(pods, pod('p', { requests: { memory: '1Gi' } }), 'requests.memory'), 2 ** 30);
  t.is(usageDelta(pods, pod('p'), 'count/pods'), 1);
  t.is(usageDelta({ group: 'apps', plural: 'deployments' }, {}, 'count/deployments.apps'), 1);
  t.is(usageDelta({ group: '', plural: 'services' }, { spec: { type: 'NodePort', ports: [{}, {}] } }, 'services.nodeports'), 2);
  t.is(usageDelta({ group: '', plural: 'persistentvolumeclaims' }, { spec: { resources: { requests: { storage: '5Gi' } } } }, 'requests.storage'), 5 * 2 ** 30);
  t.is(usageDelta({ group: '', plural: 'secrets' }, {}, 'secrets'), 1);
  t.is(usageDelta({ group: '', plural: 'secrets' }, {}, 'pods'), undefined);
  t.is(podConstraintError(pod('p', { requests: { cpu: '1' } }), ['cpu', 'pods']), undefined);
});
