// create -f, apply, replace and the create generators with real kubectl, on SQLite.

import { applyScenarios } from './apply.scenarios.ts';
import { runScenarios } from './suite.ts';

await runScenarios('sqlite', applyScenarios);
