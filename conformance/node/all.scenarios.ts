// The scenarios of each node cluster: the pods suite (pods.test.ts) and the streaming suite
// (streaming.test.ts: kubectl's streaming commands and the kubelet's own API).

import { agentScenarios } from './agent.scenarios.ts';
import { badInputScenarios } from './bad-input.scenarios.ts';
import { kubeletApiScenarios } from './kubelet-api.scenarios.ts';
import { podScenarios } from './pods.scenarios.ts';
import { sidecarScenarios } from './sidecars.scenarios.ts';
import { streamingScenarios } from './streaming.scenarios.ts';
import { volumeScenarios } from './volumes.scenarios.ts';

export const nodeScenarios = [...podScenarios, ...badInputScenarios, ...agentScenarios, ...volumeScenarios, ...sidecarScenarios];
export const streamingSuite = [...streamingScenarios, ...kubeletApiScenarios];
