// Every scenario the network suite runs on its one node.

import type { NodeScenario } from '../node/scenario.ts';
import { policyScenarios } from './policy.scenarios.ts';
import { serviceScenarios } from './services.scenarios.ts';

/** KUBETS_SCENARIOS=id,id runs only those (while working on one). */
const only = process.env.KUBETS_SCENARIOS?.split(',');
const all = [...serviceScenarios, ...policyScenarios];
export const networkScenarios: NodeScenario[] = only ? all.filter((s) => only.includes(s.id)) : all;
