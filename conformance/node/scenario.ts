// What a node scenario is and what it gets: kubectl in its own namespace of a cluster with one
// real node, small assertions that throw (the scenario runs in the netns child, not in ava),
// and a poll helper.

import type { RunOptions, RunResult } from '../harness.ts';

export interface Check {
  is(actual: unknown, expected: unknown, message?: string): void;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
  true(v: unknown, message?: string): void;
  regex(s: string, re: RegExp, message?: string): void;
  log(...values: unknown[]): void;
}

export interface NodeCtx {
  t: Check;
  tool: { name: string; path: string };
  kubeconfig: string;
  /** This scenario's namespace (created). */
  ns: string;
  /** The node's name. */
  node: string;
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
  ok(args: string[], opts?: RunOptions): Promise<string>;
  /** Polls until `probe` gives a value; throws after timeoutMs saying `what`. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** `kubectl get pod NAME -o json`, parsed. */
  pod(name: string): Promise<PodJson>;
  /** The namespace's events, one "reason: message" per line, oldest first. */
  events(): Promise<string[]>;
  /** The image every node has: localhost/kubets/busybox:1. */
  image: string;
  /** The agent's data dir (static pod manifests go in its manifests/ folder). */
  agentDir: string;
  /** Kills the agent with `signal` and starts it again; resolves once it runs. Only for `exclusive` scenarios. */
  restartAgent(signal: NodeJS.Signals): Promise<void>;
}

export interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: Record<string, unknown>;
  status: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

export interface ContainerStatusJson {
  name: string;
  image: string;
  containerID?: string;
  ready: boolean;
  restartCount: number;
  state: { running?: unknown; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string; message?: string } };
  lastState: { terminated?: { exitCode: number; reason: string; containerID?: string } };
}

export interface NodeScenario {
  title: string;
  /** Short and DNS-safe: the namespace's name. */
  id: string;
  timeoutMs?: number;
  /** Runs alone, after every other scenario (it disturbs the node, say by restarting the agent). */
  exclusive?: boolean;
  /** Also run with the older kubectl (OLDER_KUBECTL): its streaming protocols differ. */
  everyKubectl?: boolean;
  /** The kubectl this run uses (a name part, e.g. '1.32'); the suite's own when absent. */
  kubectl?: string;
  run(c: NodeCtx): Promise<void>;
}

export interface ScenarioResult {
  title: string;
  ok: boolean;
  error?: string;
  logs: string[];
  ms: number;
}

/** How the netns runner marks a result line on its stdout. */
export const RESULT_PREFIX = '@@kubets-scenario ';

/** The system kubectl (/usr/bin/kubectl): streaming scenarios run with it too (everyKubectl). */
export const OLDER_KUBECTL = '1.32';

/**
 * The scenarios to run: an everyKubectl one once more with OLDER_KUBECTL (id `<id>-v132`);
 * KUBETS_NODE_SCENARIOS=id,id keeps only those ids (the others are not registered).
 */
export function pickScenarios(all: NodeScenario[], env = process.env.KUBETS_NODE_SCENARIOS): NodeScenario[] {
  const older = (s: NodeScenario): NodeScenario => ({ ...s, title: `${s.title} (kubectl ${OLDER_KUBECTL})`, id: `${s.id}-v${OLDER_KUBECTL.replace('.', '')}`, kubectl: OLDER_KUBECTL, everyKubectl: false });
  const expanded = all.flatMap((s) => (s.everyKubectl ? [s, older(s)] : [s]));
  const ids = env?.split(',').map((x) => x.trim()).filter(Boolean);
  return ids?.length ? expanded.filter((s) => ids.includes(s.id)) : expanded;
}
