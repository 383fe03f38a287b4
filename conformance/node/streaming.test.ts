import { streamingSuite } from './all.scenarios.ts';
import { runNodeSuite } from './suite.ts';

// Logs, exec, cp and port-forward through the apiserver and the kubelet server, and the
// kubelet's own API asked directly, on one node.
runNodeSuite(new URL('./all.scenarios.ts', import.meta.url).href, 'streamingSuite', streamingSuite);
