// A subset of the workload scenarios against kubets on a real etcd: a deployment's rollout
// and undo, cascading deletion, and drain under a PodDisruptionBudget.

import { deploymentScenarios } from './deployments.scenarios.ts';
import { nodeScenarios } from './nodes.scenarios.ts';
import { runWorkloads } from './suite.ts';

const SUBSET = new Set(['deploy-undo', 'deploy-gc', 'drain']);

runWorkloads(
  'etcd',
  [...deploymentScenarios, ...nodeScenarios].filter((s) => SUBSET.has(s.id)).map((s) => ({ ...s, bothVersions: false })),
);
