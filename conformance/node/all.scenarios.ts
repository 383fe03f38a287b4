// Every scenario the pods suite runs on its one node.

import { agentScenarios } from './agent.scenarios.ts';
import { badInputScenarios } from './bad-input.scenarios.ts';
import { podScenarios } from './pods.scenarios.ts';

export const nodeScenarios = [...podScenarios, ...badInputScenarios, ...agentScenarios];
