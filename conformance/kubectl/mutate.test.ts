// edit, patch, label, annotate and scale with real kubectl, on SQLite.

import { mutateScenarios } from './mutate.scenarios.ts';
import { runScenarios } from './suite.ts';

await runScenarios('sqlite', mutateScenarios);
