// The client libraries against kubets on SQLite.

import { runClientSuite } from './suite.ts';

runClientSuite('sqlite');
