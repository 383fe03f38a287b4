import { keyScenariosV132 } from './all.scenarios.ts';
import { runNodeSuite } from '../node/suite.ts';

// A cluster of its own, its kubectl calls made by kubectl v1.32 (the netns runner picks the
// kubectl KUBETS_NODE_KUBECTL names; this process's environment is the runner's).
process.env.KUBETS_NODE_KUBECTL = 'v1.32';
runNodeSuite(new URL('./all.scenarios.ts', import.meta.url).href, 'keyScenariosV132', keyScenariosV132);
