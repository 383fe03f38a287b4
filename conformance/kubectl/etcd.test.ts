// A representative subset of the kubectl scenarios against kubets on a real etcd: apply,
// watch, patch, wait (finalizers and deletion) and the optimistic-concurrency conflict.

import { applyScenarios } from './apply.scenarios.ts';
import { deleteScenarios } from './delete.scenarios.ts';
import { errorScenarios } from './errors.scenarios.ts';
import { getScenarios } from './get.scenarios.ts';
import { mutateScenarios } from './mutate.scenarios.ts';
import { runScenarios } from './suite.ts';

const SUBSET = new Set(['apply-twice', 'get-watch', 'patch', 'wait', 'err-conflict']);

await runScenarios(
  'etcd',
  [...applyScenarios, ...getScenarios, ...mutateScenarios, ...deleteScenarios, ...errorScenarios].filter((s) => SUBSET.has(s.id)),
);
