// The delete scenarios with real kubectl, on SQLite.

import { deleteScenarios } from './delete.scenarios.ts';
import { runScenarios } from './suite.ts';

await runScenarios('sqlite', deleteScenarios);
