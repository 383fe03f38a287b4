import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newRootCAReconciler, ROOT_CA_CONFIGMAP } from './reconcile.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';

interface Case {
  name: string;
  namespace?: KubeObject;
  existing?: Record<string, string>;
  expectData?: Record<string, string>;
  expectWrites: number;
}

const cases: Case[] = [
  { name: 'creates the ConfigMap in a new namespace', namespace: { metadata: { name: 'a' } }, expectData: { 'ca.crt': PEM }, expectWrites: 1 },
  { name: 'fixes changed data', namespace: { metadata: { name: 'a' } }, existing: { 'ca.crt': 'old', extra: 'x' }, expectData: { 'ca.crt': PEM }, expectWrites: 1 },
  { name: 'leaves a correct ConfigMap alone', namespace: { metadata: { name: 'a' } }, existing: { 'ca.crt': PEM }, expectData: { 'ca.crt': PEM }, expectWrites: 0 },
  { name: 'skips a terminating namespace', namespace: { metadata: { name: 'a', deletionTimestamp: '2025-01-01T00:00:00Z' } }, expectWrites: 0 },
  { name: 'skips a namespace that is gone', expectWrites: 0 },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    if (c.namespace) env.client.seed(R.namespaces, c.namespace);
    if (c.existing) env.client.seed(R.configMaps, { metadata: { name: ROOT_CA_CONFIGMAP, namespace: 'a' }, data: c.existing });
    const reconcile = newRootCAReconciler({ ...env.ctx, caPem: PEM });
    await reconcile('a');
    await reconcile('a');
    t.is(env.client.calls.length, c.expectWrites);
    if (c.expectData) t.deepEqual(env.client.peek<{ data: unknown } & KubeObject>(R.configMaps, 'a', ROOT_CA_CONFIGMAP)?.data, c.expectData);
  });
}
