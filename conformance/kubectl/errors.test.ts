// The errors scenarios with real kubectl, on SQLite.

import { errorScenarios } from './errors.scenarios.ts';
import { runScenarios } from './suite.ts';

await runScenarios('sqlite', errorScenarios);
