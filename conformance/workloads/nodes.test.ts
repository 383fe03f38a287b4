// Scheduling failures, drain, a stopped node and namespace deletion with real kubectl against
// kubets on SQLite with three simulated nodes, plus one (tainted) that the node-stop scenario
// stops.

import { nodeScenarios, STOP_TAINT } from './nodes.scenarios.ts';
import { runWorkloads } from './suite.ts';

runWorkloads('sqlite', nodeScenarios, { extra: { namePrefix: 'sim-extra-', nodes: 1, taint: STOP_TAINT } });
