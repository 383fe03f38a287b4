// get (every output format), get -w and describe with real kubectl, on SQLite.

import { getScenarios } from './get.scenarios.ts';
import { runScenarios } from './suite.ts';

await runScenarios('sqlite', getScenarios);
