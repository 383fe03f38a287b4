import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { admissionDeps, attributes, refusal } from '../../../../../testing/admission.ts';
import { limitRanger, type LimitRangeItem } from './index.ts';

let items: LimitRangeItem[] = [];
const plugin = limitRanger(admissionDeps({
  getObject: async () => undefined,
  listObjects: async (_g, resource) => (resource === 'limitranges' && items.length ? [{ metadata: { name: 'lr', namespace: 'default' }, spec: { limits: items } }] : []),
}));
const pod = (containers: unknown[], init: unknown[] = []): KubeObject => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers, initContainers: init } });

test('defaults fill what a container lacks, noted as upstream notes them', async (t) => {
  items = [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }];
  const p = pod([{ name: 'web' }, { name: 'side', resources: { limits: { cpu: '1' } } }]);
  await plugin.admit!(attributes('CREATE', 'pods', { object: p }));
  const cs = (p.spec as { containers: { resources: unknown }[] }).containers;
  t.deepEqual(cs[0]!.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  // A container's own limit becomes its request (upstream's defaulting), not defaultRequest.
  t.deepEqual(cs[1]!.resources, { requests: { memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } });
  t.is(p.metadata?.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web; memory request for container side; memory limit for container side');
});

test('max alone is the default limit and request, as upstream defaults a LimitRange', async (t) => {
  items = [{ type: 'Container', max: { cpu: '2' }, min: { memory: '10Mi' } }];
  const p = pod([{ name: 'c' }]);
  await plugin.admit!(attributes('CREATE', 'pods', { object: p }));
  t.deepEqual((p.spec as { containers: { resources: unknown }[] }).containers[0]!.resources, { requests: { cpu: '2', memory: '10Mi' }, limits: { cpu: '2' } });
});

const cases: [string, LimitRangeItem[], KubeObject, string | undefined, string?][] = [
  ['container max', [{ type: 'Container', max: { cpu: '1' } }], pod([{ name: 'c', resources: { limits: { cpu: '2000m' }, requests: { cpu: '2' } } }]), 'pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2'],
  ['container min without request', [{ type: 'Container', min: { memory: '1Gi' } }], pod([{ name: 'c' }]), 'pods "p" is forbidden: minimum memory usage per Container is 1Gi.  No request is specified'],
  ['two errors in brackets', [{ type: 'Container', min: { cpu: '500m' }, max: { cpu: '1' } }], pod([{ name: 'c', resources: { requests: { cpu: '100m' }, limits: { cpu: '100m' } } }, { name: 'd' }]), 'pods "p" is forbidden: [minimum cpu usage per Container is 500m, but request is 100m, minimum cpu usage per Container is 500m.  No request is specified, maximum cpu usage per Container is 1.  No limit is specified]'],
  ['ratio', [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }], pod([{ name: 'c', resources: { requests: { cpu: '250m' }, limits: { cpu: '1' } } }]), 'pods "p" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000'],
  ['pod max over the sum of containers', [{ type: 'Pod', max: { memory: '1Gi' } }], pod([{ name: 'a', resources: { requests: { memory: '600Mi' }, limits: { memory: '600Mi' } } }, { name: 'b', resources: { requests: { memory: '600Mi' }, limits: { memory: '600Mi' } } }]), 'pods "p" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1200Mi'],
  ['within bounds', [{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' } }], pod([{ name: 'c', resources: { requests: { cpu: '0.5' }, limits: { cpu: '1' } } }]), undefined],
  ['claim max', [{ type: 'PersistentVolumeClaim', max: { storage: '2Gi' }, min: { storage: '1Gi' } }], { metadata: { name: 'data', namespace: 'default' }, spec: { resources: { requests: { storage: '5Gi' } } } }, 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi', 'persistentvolumeclaims'],
];
for (const [name, limits, obj, want, plural] of cases) {
  test(`validate: ${name}`, async (t) => {
    items = limits;
    const e = await refusal(plugin.validate, attributes('CREATE', plural ?? 'pods', { object: obj }));
    t.is(e?.message, want);
    if (want) t.is(e?.code, 403);
  });
}

test('pod updates and subresources are not looked at', async (t) => {
  items = [{ type: 'Container', max: { cpu: '1' } }];
  const p = pod([{ name: 'c' }]);
  t.is(await refusal(plugin.validate, attributes('UPDATE', 'pods', { object: p, oldObject: p })), undefined);
  t.is(await refusal(plugin.validate, attributes('CREATE', 'pods', { object: p, subresource: 'binding' })), undefined);
});
