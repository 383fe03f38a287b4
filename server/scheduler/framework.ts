// The framework runtime: runs each extension point over the enabled plugins, samples nodes
// like upstream's percentageOfNodesToScore, and turns a failed cycle into a FitError whose
// message has upstream's shape ("0/3 nodes are available: ... preemption: ...").

import { addPodToNode, copyNodeInfo } from './cache.ts';
import {
  CycleState, SUCCESS, isRejection,
  type ClusterEvent, type FilterPlugin, type Nomination, type NodeInfo, type NodeSnapshot, type Plugin, type PodInfo, type PostFilterPlugin,
  type PreBindPlugin, type PreFilterPlugin, type PreScorePlugin, type ReservePlugin, type ScorePlugin, type Status,
} from './types.ts';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** How many feasible nodes to find before scoring (0 percentage = adaptive). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.floor(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numAllNodes * pct) / 100));
}

/** The plugins whose PreFilter answered Skip this cycle (their Filter is not asked). */
const SKIPPED_KEY = 'framework/skipped';

/** Why no node fits: per-node statuses plus the PreFilter and PostFilter messages. */
export class FitError extends Error {
  /** PostFilter's preemption: the node the pod is nominated to, and whom to evict for it. */
  nominated?: Nomination;

  constructor(
    readonly numAllNodes: number,
    readonly statuses: Map<string, Status>,
    readonly unschedulablePlugins: Set<string>,
    readonly preFilterMsg = '',
    public postFilterMsg = '',
  ) {
    super('');
    this.name = 'FitError';
    // The message depends on postFilterMsg, set after construction: compute it on read.
    Object.defineProperty(this, 'message', {
      get: () => fitErrorMessage(this.numAllNodes, this.statuses, this.preFilterMsg, this.postFilterMsg),
    });
  }
}

/** "0/N nodes are available: <sorted histogram>. <postfilter>." */
export function fitErrorMessage(numAllNodes: number, statuses: Map<string, Status>, preFilterMsg = '', postFilterMsg = ''): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const counts = new Map<string, number>();
    for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}.`;
  return msg;
}

export interface ScheduleResult {
  nodeName: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export interface FrameworkOptions {
  plugins: Plugin[];
  /** Score weights by plugin name (default 1). */
  weights?: Record<string, number>;
  percentageOfNodesToScore?: number;
  /** Tie-breaking among equal best scores; a deterministic generator by default. */
  random?: () => number;
}

function has<K extends string>(p: Plugin, method: K): boolean {
  return typeof (p as unknown as Record<string, unknown>)[method] === 'function';
}

function seededRandom(seed = 0x9e3779b9): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

export class Framework {
  readonly preFilter: PreFilterPlugin[];
  readonly filter: FilterPlugin[];
  readonly postFilter: PostFilterPlugin[];
  readonly preScore: PreScorePlugin[];
  readonly score: ScorePlugin[];
  readonly reserve: ReservePlugin[];
  readonly preBind: PreBindPlugin[];
  readonly #weights: number[];
  readonly #percentage: number;
  readonly #random: () => number;
  readonly #events = new Map<string, ClusterEvent[]>();
  #nextStartNodeIndex = 0;
  // Per-cycle buffers of up to one entry per node, reused: a cycle runs to its end before the next.
  readonly #feasible: NodeInfo[] = [];
  readonly #totals: number[] = [];
  readonly #scores: number[] = [];

  constructor(opts: FrameworkOptions) {
    const ps = opts.plugins;
    this.preFilter = ps.filter((p) => has(p, 'preFilter')) as PreFilterPlugin[];
    this.filter = ps.filter((p) => has(p, 'filter')) as FilterPlugin[];
    this.postFilter = ps.filter((p) => has(p, 'postFilter')) as PostFilterPlugin[];
    this.preScore = ps.filter((p) => has(p, 'preScore')) as PreScorePlugin[];
    this.score = ps.filter((p) => has(p, 'score')) as ScorePlugin[];
    this.reserve = ps.filter((p) => has(p, 'reserve')) as ReservePlugin[];
    this.preBind = ps.filter((p) => has(p, 'preBind')) as PreBindPlugin[];
    this.#weights = this.score.map((p) => opts.weights?.[p.name] ?? 1);
    this.#percentage = opts.percentageOfNodesToScore ?? 0;
    this.#random = opts.random ?? seededRandom();
    for (const p of ps) if (p.eventsToRegister) this.#events.set(p.name, p.eventsToRegister());
  }

  /** Whether an event may help a pod that these plugins rejected (none known: any event may). */
  eventMayHelp(rejectors: Set<string>, ev: ClusterEvent): boolean {
    if (rejectors.size === 0) return true;
    for (const name of rejectors) {
      const evs = this.#events.get(name);
      if (!evs || evs.some((e) => e.resource === ev.resource && e.action === ev.action)) return true;
    }
    return false;
  }

  /** One scheduling cycle up to (not including) Reserve. Throws FitError when nothing fits. */
  /**
   * `nominated`: pods nominated to nodes by preemption, not yet bound. A node must also fit the
   * pod with those of them of equal or higher priority counted on it (upstream's
   * RunFilterPluginsWithNominatedPods), so the room made for a preemptor is not taken by others.
   */
  schedulePod(state: CycleState, pod: PodInfo, snapshot: NodeSnapshot, nominated?: ReadonlyMap<string, PodInfo[]>): ScheduleResult {
    const nodes = snapshot.list();
    if (nodes.length === 0) throw new FitError(0, new Map(), new Set());
    const skipped = new Set<string>();
    for (const p of this.preFilter) {
      const s = p.preFilter(state, pod, snapshot);
      if (s.code === 'Skip') skipped.add(p.name);
      else if (s.code === 'Error') throw new Error(`running PreFilter plugin ${p.name}: ${s.reasons.join(', ')}`);
      else if (isRejection(s)) {
        const st = { ...s, plugin: p.name };
        const statuses = new Map(nodes.map((n) => [n.name, st]));
        throw this.#postFilter(state, pod, snapshot, new FitError(nodes.length, statuses, new Set([p.name]), s.reasons.join(', ')));
      }
    }
    const filters = this.filter.filter((p) => !skipped.has(p.name));
    state.write(SKIPPED_KEY, skipped);
    const want = numFeasibleNodesToFind(nodes.length, this.#percentage);
    const feasible = this.#feasible;
    feasible.length = 0;
    const statuses = new Map<string, Status>();
    const rejectors = new Set<string>();
    let processed = 0;
    let index = this.#nextStartNodeIndex % nodes.length;
    for (; processed < nodes.length && feasible.length < want; processed++, index = index + 1 === nodes.length ? 0 : index + 1) {
      const node = nodes[index];
      let failed: Status | undefined;
      for (let i = 0; i < filters.length; i++) {
        const f = filters[i];
        const s = f.filter(state, pod, node);
        if (s === SUCCESS || s.code === 'Success' || s.code === 'Skip') continue;
        if (s.code === 'Error') throw new Error(`running Filter plugin ${f.name} on node ${node.name}: ${s.reasons.join(', ')}`);
        failed = { ...s, plugin: f.name };
        break;
      }
      if (!failed && nominated?.size) failed = this.#failsWithNominated(state, pod, node, nominated);
      if (failed) {
        statuses.set(node.name, failed);
        rejectors.add(failed.plugin as string);
      } else feasible.push(node);
    }
    this.#nextStartNodeIndex = (this.#nextStartNodeIndex + processed) % nodes.length;
    if (feasible.length === 0) throw this.#postFilter(state, pod, snapshot, new FitError(nodes.length, statuses, rejectors));
    const found = feasible.length;
    const nodeName = found === 1 ? feasible[0].name : this.#selectHost(feasible, this.#prioritize(state, pod, feasible, snapshot));
    feasible.length = 0;
    return { nodeName, evaluatedNodes: processed, feasibleNodes: found };
  }

  #postFilter(state: CycleState, pod: PodInfo, snapshot: NodeSnapshot, err: FitError): FitError {
    for (const p of this.postFilter) {
      const s = p.postFilter(state, pod, err.statuses, snapshot, this);
      if (s.reasons.length) err.postFilterMsg = s.reasons.join(', ');
      if (s.code === 'Success') {
        err.nominated = s.nominated;
        break;
      }
    }
    return err;
  }

  #failsWithNominated(state: CycleState, pod: PodInfo, node: NodeInfo, nominated: ReadonlyMap<string, PodInfo[]>): Status | undefined {
    const ahead = nominated.get(node.name)?.filter((q) => q.key !== pod.key && q.priority >= pod.priority && !node.pods.has(q.key));
    if (!ahead?.length) return undefined;
    const what = copyNodeInfo(node);
    for (const q of ahead) addPodToNode(what, q);
    const s = this.runFilters(state, pod, what);
    return s.code === 'Success' ? undefined : s;
  }

  /** Every Filter plugin on one node, the first rejection returned (PostFilter's what-if). */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const skipped = state.read<Set<string>>(SKIPPED_KEY);
    for (const f of this.filter) {
      if (skipped?.has(f.name)) continue;
      const s = f.filter(state, pod, node);
      if (s.code === 'Success' || s.code === 'Skip') continue;
      return { ...s, plugin: f.name };
    }
    return SUCCESS;
  }

  #prioritize(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snapshot: NodeSnapshot): number[] {
    const totals = this.#totals;
    totals.length = nodes.length;
    totals.fill(0);
    const skipped = new Set<string>();
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes, snapshot);
      if (s.code === 'Skip') skipped.add(p.name);
      else if (s.code !== 'Success') throw new Error(`running PreScore plugin ${p.name}: ${s.reasons.join(', ')}`);
    }
    const scores = this.#scores;
    scores.length = nodes.length;
    for (let i = 0; i < this.score.length; i++) {
      const p = this.score[i];
      if (skipped.has(p.name)) continue;
      for (let j = 0; j < nodes.length; j++) scores[j] = p.score(state, pod, nodes[j]);
      p.normalizeScore?.(state, pod, scores);
      const w = this.#weights[i];
      for (let j = 0; j < nodes.length; j++) totals[j] += scores[j] * w;
    }
    return totals;
  }

  /** The highest total; ties broken uniformly (reservoir sampling). */
  #selectHost(nodes: NodeInfo[], totals: number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.#random() * ties < 1) best = i;
      }
    }
    return nodes[best].name;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (let i = 0; i < this.reserve.length; i++) {
      const s = this.reserve[i].reserve(state, pod, nodeName);
      if (s.code !== 'Success') {
        for (let j = i; j >= 0; j--) this.reserve[j].unreserve(state, pod, nodeName);
        return { ...s, plugin: this.reserve[i].name };
      }
    }
    return SUCCESS;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let j = this.reserve.length - 1; j >= 0; j--) this.reserve[j].unreserve(state, pod, nodeName);
  }

  /** PreBind in plugin order; the first failure is returned with its plugin's name. */
  async runPreBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.preBind) {
      const s = await p.preBind(state, pod, nodeName);
      if (s.code !== 'Success' && s.code !== 'Skip') return { ...s, plugin: p.name };
    }
    return SUCCESS;
  }
}
