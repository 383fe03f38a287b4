// The clients suite's frame: one kubets per test file (SQLite or etcd), with its controllers
// but no scheduler (so no pod ever has a node: logs, exec, attach and port-forward must fail
// at once with upstream's error), driven by @kubernetes/client-node and the Python client.

import test from 'ava';
import { startKubets, type Kubets } from '../harness.ts';
import { startEtcd, type EtcdHarness } from '../../testing/etcd.ts';
import { checkTool } from '../../testing/tools.ts';
import { clientNodeTests } from './client-node.scenarios.ts';
import { clientNodeDefaultsTests } from './client-node-defaults.scenarios.ts';
import { pythonTests } from './python.scenarios.ts';

export type Store = 'sqlite' | 'etcd';

/** A test of the suite: `serial` ones run first, one at a time (the server restart). */
export interface ClientTest {
  title: string;
  serial?: boolean;
  /** Registered as skipped (the title says why). */
  skip?: boolean;
  run(t: import('ava').ExecutionContext, kubets: Kubets): Promise<void>;
}

export function runClientSuite(store: Store): void {
  const etcdTool = store === 'etcd' ? checkTool('etcd') : undefined;
  if (etcdTool?.skipReason) {
    test.skip(`client libraries on etcd (skipped: ${etcdTool.skipReason})`, () => {});
    return;
  }
  let kubets: Kubets | undefined;
  let etcd: EtcdHarness | undefined;
  test.before(async () => {
    if (store === 'etcd') etcd = await startEtcd({ bin: etcdTool!.path });
    kubets = await startKubets({ store, etcdEndpoint: etcd?.endpoint, args: ['--disable', 'scheduler,cloud-controller-manager'] });
  });
  test.after.always(async () => {
    await kubets?.stop();
    await etcd?.stop();
  });
  for (const c of [...clientNodeTests, ...clientNodeDefaultsTests, ...pythonTests(store)]) {
    const register = c.skip ? test.skip : c.serial ? test.serial : test;
    register(c.title, (t) => c.run(t, kubets!));
  }
}
