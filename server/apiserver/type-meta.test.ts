// A body's kind and apiVersion: defaulted from the endpoint, refused with upstream's words when
// they disagree (through a started apiserver: client-writes.test.ts).

import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { StatusError } from '../../api/meta/errors.ts';
import { defaultTypeMeta, type GroupVersionKind, type TypeMetaOptions } from './type-meta.ts';

const POD: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'Deployment' };
const HPA2: GroupVersionKind = { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' };
const WIDGET: GroupVersionKind = { group: 'example.com', version: 'v1', kind: 'Widget' };

const cases: { name: string; body: KubeObject; want: GroupVersionKind; opts?: TypeMetaOptions; result?: [string, string]; error?: [number, string] }[] = [
  { name: 'neither: both from the path', body: {}, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'kind only', body: { kind: 'Pod' }, want: POD, result: ['v1', 'Pod'] },
  { name: 'apiVersion only', body: { apiVersion: 'apps/v1' }, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'group without version', body: { apiVersion: 'apps/' }, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'kind of another registered type', body: { apiVersion: 'v1', kind: 'Service' }, want: POD, error: [400, 'Service in version "v1" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion'] },
  { name: 'kind nobody registered', body: { apiVersion: 'v1', kind: 'pod' }, want: POD, error: [400, 'pod in version "v1" cannot be handled as a Pod: no kind "pod" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'] },
  { name: 'right kind, group that lacks it', body: { apiVersion: 'apps/v1', kind: 'Pod' }, want: POD, error: [400, 'Pod in version "v1" cannot be handled as a Pod: no kind "Pod" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'] },
  { name: 'another version of the kind', body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' }, want: HPA2, error: [400, 'the API version in the data (autoscaling/v1) does not match the expected API version (autoscaling/v2)'] },
  { name: 'an accepted other version', body: { apiVersion: 'policy/v1beta1', kind: 'Eviction' }, want: { group: 'policy', version: 'v1', kind: 'Eviction' }, opts: { accepts: ['policy/v1beta1'] }, result: ['policy/v1beta1', 'Eviction'] },
  { name: 'kind that is not a string', body: { kind: 3 } as unknown as KubeObject, want: POD, error: [400, "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"] },
  { name: 'custom resource: kind required', body: { apiVersion: 'example.com/v1' }, want: WIDGET, opts: { custom: true }, error: [400, `Object 'Kind' is missing in '{"apiVersion":"example.com/v1"}'`] },
  { name: 'custom resource: other kind', body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }, want: WIDGET, opts: { custom: true }, error: [422, 'Gadget.example.com "g" is invalid: kind: Invalid value: "Gadget": must be Widget'] },
  { name: 'custom resource: other version', body: { apiVersion: 'example.com/v2', kind: 'Widget' }, want: WIDGET, opts: { custom: true }, error: [400, 'the API version in the data (example.com/v2) does not match the expected API version (example.com/v1)'] },
];

for (const c of cases) {
  test(`type meta: ${c.name}`, (t) => {
    const body = structuredClone(c.body);
    if (c.error) {
      const e = t.throws(() => defaultTypeMeta(body, c.want, c.opts), { instanceOf: StatusError });
      t.is(e?.code, c.error[0]);
      t.is(e?.message, c.error[1]);
      return;
    }
    defaultTypeMeta(body, c.want, c.opts);
    t.deepEqual([body.apiVersion, body.kind], c.result);
  });
}

