// The Helm suite on a real etcd: Helm 4's install, upgrade, rollback, test and uninstall of the
// suite's chart (helm.test.ts runs all of suite.ts on SQLite).

import { runHelmSuite } from './suite.ts';

runHelmSuite('etcd', { helms: ['helm-v4'], extras: false });
