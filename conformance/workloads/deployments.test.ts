// Deployments with real kubectl against kubets on SQLite with three simulated nodes.

import { deploymentScenarios } from './deployments.scenarios.ts';
import { runWorkloads } from './suite.ts';

runWorkloads('sqlite', deploymentScenarios);
