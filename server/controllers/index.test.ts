import test from 'ava';
import { R } from './common/resources.ts';
import { silentLogger } from '../log.ts';
import { fakeEnv } from '../../testing/controllers/env.ts';
import { isEnabled, startControllerManager } from './index.ts';

const cases: [string, string[] | undefined, boolean][] = [
  ['default runs everything', undefined, true],
  ['star runs everything', ['*'], true],
  ['a minus disables one', ['*', '-deployment'], false],
  ['a list runs only its names', ['replicaset'], false],
  ['a listed name runs', ['deployment'], true],
];
for (const [name, enabled, want] of cases) {
  test(`enabled: ${name}`, (t) => t.is(isEnabled('deployment', enabled), want));
}

test('the manager runs controllers over the informers: a new namespace gets its defaults', async (t) => {
  const env = fakeEnv();
  const cm = startControllerManager({ client: env.client, informers: env.informers, log: silentLogger, clock: env.clock, caPem: 'PEM', enabled: ['serviceaccount', 'root-ca-cert-publisher'] });
  await new Promise((r) => setTimeout(r, 20));
  env.client.seed(R.namespaces, { metadata: { name: 'team' } });
  for (let i = 0; i < 50 && env.client.all(R.configMaps, 'team').length + env.client.all(R.serviceAccounts, 'team').length < 2; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await cm.stop();
  t.is(env.client.all(R.serviceAccounts, 'team')[0]?.metadata?.name, 'default');
  t.is(env.client.all(R.configMaps, 'team')[0]?.metadata?.name, 'kube-root-ca.crt');
});
