import { streamingScenarios } from './streaming.scenarios.ts';
import { runNodeSuite } from './suite.ts';

// Logs, exec, cp and port-forward through the apiserver and the kubelet server, on one node.
runNodeSuite(new URL('./streaming.scenarios.ts', import.meta.url).href, 'streamingScenarios', streamingScenarios);
