// The client libraries against kubets on etcd.

import { runClientSuite } from './suite.ts';

runClientSuite('etcd');
