// The errors scenarios with real kubectl, on SQLite.

import { errorScenarios } from './errors.scenarios.ts';
import { runScenarios } from './suite.ts';

runScenarios('sqlite', errorScenarios);
