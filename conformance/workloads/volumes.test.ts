// Persistent volumes with real kubectl against kubets on SQLite with three simulated nodes.

import { runWorkloads } from './suite.ts';
import { volumeExpansionScenarios } from './volume-expansion.scenarios.ts';
import { volumeScenarios } from './volumes.scenarios.ts';

runWorkloads('sqlite', [...volumeScenarios, ...volumeExpansionScenarios]);
