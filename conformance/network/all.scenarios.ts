// Every scenario the network suite runs on its one node.

import type { NodeScenario } from '../node/scenario.ts';
import { policyScenarios } from './policy.scenarios.ts';
import { serviceScenarios } from './services.scenarios.ts';

/** KUBETS_SCENARIOS=id,id runs only those (while working on one). */
const only = process.env.KUBETS_SCENARIOS?.split(',');
const all = [...serviceScenarios, ...policyScenarios];
export const networkScenarios: NodeScenario[] = only ? all.filter((s) => only.includes(s.id)) : all;

/** The key scenarios again, driven by kubectl v1.32 (the oldest kubectl CI has). */
export const KEY_SCENARIOS = ['dns', 'reach', 'netpol'];
export const keyScenariosV132: NodeScenario[] = networkScenarios
  .filter((s) => KEY_SCENARIOS.includes(s.id))
  .map((s) => ({
    ...s,
    title: `kubectl-v1.32: ${s.title}`,
    async run(c) {
      c.t.regex(c.tool.name, /v1\.32/, `driven by kubectl v1.32, not ${c.tool.name}`);
      await s.run(c);
    },
  }));
