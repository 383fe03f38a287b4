// Persistent volumes with real kubectl against kubets on SQLite with three simulated nodes.

import { runWorkloads } from './suite.ts';
import { volumeScenarios } from './volumes.scenarios.ts';

runWorkloads('sqlite', volumeScenarios);
