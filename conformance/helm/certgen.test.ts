import test from 'ava';
import { checkTool } from '../../testing/tools.ts';
import { kubectlBinaries } from '../binaries.ts';
import { runNodeSuite } from '../node/suite.ts';
import { certgenScenarios } from './certgen.scenarios.ts';

// One real node for both Helm versions. kubets listens on 10.200.0.1 (on the loopback device
// of the suite's namespace): the `kubernetes` Service's endpoint, which pods reach.
const bins = await kubectlBinaries();
const skip = checkTool('openssl').skipReason ?? (bins.helm.path || bins.helm3.path ? undefined : bins.helm.skipReason);
if (skip) test.skip(`certgen chart (skipped: ${skip})`, () => {});
else runNodeSuite(new URL('./certgen.scenarios.ts', import.meta.url).href, 'certgenScenarios', certgenScenarios, { apiAddress: '10.200.0.1' });
