// The Helm suite on SQLite (suite.ts has what it checks).

import { runHelmSuite } from './suite.ts';

runHelmSuite('sqlite');
