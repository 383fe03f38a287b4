// The plugins on their own, over configurations handed in directly: what the v1 API no longer
// lets one write (sideEffects Unknown/Some, kept from v1beta1 objects) is still refused as
// upstream refuses it on a dry run, before any call.

import test from 'ava';
import { builtinResources } from '../../../../api/registry.ts';
import { StatusError } from '../../../../api/meta/errors.ts';
import type { KubeObject } from '../../../../api/types.ts';
import type { Attributes } from '../types.ts';
import { mutatingWebhook, validatingWebhook } from './index.ts';

const configmaps = builtinResources.find((r) => r.group === '' && r.plural === 'configmaps')!;
const config = (sideEffects: string) => ({
  metadata: { name: 'c' },
  webhooks: [{
    name: 'side.kubets.test',
    // Nothing listens here: a call would fail, so a 400 proves no call was made.
    clientConfig: { url: 'https://127.0.0.1:1/never' },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    sideEffects,
  }],
}) as unknown as KubeObject;
const deps = (sideEffects: string) => ({
  listConfigurations: async () => [config(sideEffects)],
  getObject: async () => undefined,
  listObjects: async () => [],
  resourceTypes: () => builtinResources,
});
const attrs = (dryRun: boolean): Attributes => ({
  operation: 'CREATE', resource: configmaps, subresource: '', name: 'x', namespace: 'default',
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } }, oldObject: undefined,
  user: { username: 'u', groups: [] } as never, dryRun, warnings: [],
});

for (const sideEffects of ['Unknown', 'Some']) {
  test(`a dry run to a webhook with sideEffects ${sideEffects} is 400 without a call`, async (t) => {
    for (const plugin of [mutatingWebhook(deps(sideEffects)), validatingWebhook(deps(sideEffects))]) {
      const run = plugin.admit ?? plugin.validate!;
      const e = await t.throwsAsync(async () => run(attrs(true)));
      t.true(e instanceof StatusError);
      t.is((e as StatusError).code, 400);
      t.is(e?.message, 'admission webhook "side.kubets.test" does not support dry run');
    }
  });
}

test('without dry run the same webhook is called (here: unreachable, so failurePolicy Fail gives 500)', async (t) => {
  const e = await t.throwsAsync(async () => mutatingWebhook(deps('Unknown')).admit!(attrs(false)));
  t.is((e as StatusError).code, 500);
  t.regex(e?.message ?? '', /^Internal error occurred: failed calling webhook "side.kubets.test": failed to call webhook: Post "https:\/\/127.0.0.1:1\/never\?timeout=10s": /);
});

test('the audit event records each mutating call and a call that failed open (Ignore)', async (t) => {
  const d = deps('None');
  const cfg = config('None') as unknown as { webhooks: Record<string, unknown>[] };
  cfg.webhooks[0]!.failurePolicy = 'Ignore';
  const other = { ...cfg.webhooks[0], name: 'other.kubets.test', rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] };
  // The matching webhook is the second of the kind: index 1.
  d.listConfigurations = async () => [{ metadata: { name: 'c' }, webhooks: [other, cfg.webhooks[0]] } as unknown as KubeObject];
  const a = { ...attrs(false), auditAnnotations: {} as Record<string, string> };
  await mutatingWebhook(d).admit!(a);
  t.deepEqual(a.auditAnnotations, {
    'failed-open.mutation.webhook.admission.k8s.io/round_0_index_1': 'side.kubets.test',
    'mutation.webhook.admission.k8s.io/round_0_index_1': '{"configuration":"c","webhook":"side.kubets.test","mutated":false}',
  });
  const v = { ...attrs(false), auditAnnotations: {} as Record<string, string> };
  await validatingWebhook(d).validate!(v);
  t.deepEqual(v.auditAnnotations, { 'failed-open.validating.webhook.admission.k8s.io/round_0_index_1': 'side.kubets.test' });
});
