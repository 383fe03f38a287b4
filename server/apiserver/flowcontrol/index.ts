// API Priority and Fairness in one apiserver: the bootstrap configuration made at start, the
// FlowSchemas and PriorityLevelConfigurations followed from the watch cache, every request
// classified and held to its priority level's seats (exempt ones run at once; watches and other
// long-running requests are classified but hold no seat), refused with 429 and Retry-After
// when its level cannot take it, and upstream's debug dumps.

import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { Log } from '../../../client/types.ts';
import type { UserInfo } from '../registry/types.ts';
import type { RequestInfo } from '../request-info.ts';
import { FLOW_SCHEMAS, PRIORITY_LEVELS } from './bootstrap.ts';
import { classify, orderFlowSchemas } from './classify.ts';
import { PriorityLevel, type Queuing } from './priority-level.ts';
import { dumpPriorityLevels, dumpQueues } from './dump.ts';
import { estimateWork } from './work-estimate.ts';
import { WatchTracker } from './watch-tracker.ts';

export interface FlowControlDeps {
  /** Objects of a flowcontrol resource as the watch cache has them. */
  list(plural: 'flowschemas' | 'prioritylevelconfigurations'): Promise<KubeObject[]>;
  /** Creates an object; a 409 (another apiserver made it first) is fine. */
  create(plural: 'flowschemas' | 'prioritylevelconfigurations', obj: KubeObject): Promise<void>;
  /** Sets a FlowSchema's status condition of that type (through its status subresource); a 404 is fine. */
  setCondition?(flowSchema: string, condition: FlowSchemaCondition): Promise<void>;
  log: Log;
  /** Objects of a resource in the watch cache (lists are weighted by it); undefined when none is kept. */
  objectCount?(group: string, resource: string): number | undefined;
  /** Upstream: --max-requests-inflight + --max-mutating-requests-inflight (400 + 200). */
  serverConcurrencyLimit?: number;
  /** How long a request may wait in a queue; upstream: a quarter of the request timeout (15 s). */
  queueTimeoutMs?: number;
  /** How often the configuration is read again. */
  refreshMs?: number;
  now?(): Date;
}

// Long-running requests other than watches hold no seat (upstream leaves them out of flow control).
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

export const DEBUG_PREFIX = '/debug/api_priority_and_fairness/';

export interface FlowSchemaCondition {
  type: 'Dangling';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/**
 * Upstream's Dangling condition of a FlowSchema (whether the priority level it names exists),
 * or undefined when its status says so already. The transition time moves only with the status.
 */
export function danglingUpdate(fs: KubeObject, levels: Set<string>, now: Date): FlowSchemaCondition | undefined {
  const level = String((fs.spec as { priorityLevelConfiguration?: { name?: string } } | undefined)?.priorityLevelConfiguration?.name ?? '');
  const found = levels.has(level);
  const status = found ? 'False' : 'True';
  const reason = found ? 'Found' : 'NotFound';
  const message = found
    ? `This FlowSchema references the PriorityLevelConfiguration object named "${level}" and it exists`
    : `This FlowSchema references the PriorityLevelConfiguration object named "${level}" but there is no such object`;
  const conditions = (fs.status as { conditions?: Partial<FlowSchemaCondition>[] } | undefined)?.conditions ?? [];
  const cur = conditions.find((c) => c.type === 'Dangling');
  if (cur?.status === status && cur.reason === reason && cur.message === message) return undefined;
  const lastTransitionTime = cur?.status === status && cur.lastTransitionTime ? cur.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z');
  return { type: 'Dangling', status, reason, message, lastTransitionTime };
}

interface LimitedSpec {
  nominalConcurrencyShares?: number;
  limitResponse?: { type?: string; queuing?: Queuing };
}

export class FlowControl {
  private schemas: KubeObject[] = [];
  private readonly levels = new Map<string, PriorityLevel>();
  private exempt = new Map<string, string>();
  /** Every priority level's name, exempt or limited: made at each refresh, not per request. */
  private levelNames: ReadonlySet<string> = new Set();
  private timer: NodeJS.Timeout | undefined;
  /** FlowSchema name@resourceVersion whose Dangling condition was written: not again until it changes. */
  private written = new Set<string>();
  /** The watches open now, by what they watch: a write's fan-out. */
  readonly watches = new WatchTracker();

  constructor(private readonly deps: FlowControlDeps) {}

  async start(): Promise<void> {
    const have = async (plural: 'flowschemas' | 'prioritylevelconfigurations') => new Set((await this.deps.list(plural)).map((o) => o.metadata!.name!));
    const levels = await have('prioritylevelconfigurations');
    for (const o of PRIORITY_LEVELS) if (!levels.has(o.metadata!.name!)) await this.deps.create('prioritylevelconfigurations', structuredClone(o));
    const schemas = await have('flowschemas');
    for (const o of FLOW_SCHEMAS) if (!schemas.has(o.metadata!.name!)) await this.deps.create('flowschemas', structuredClone(o));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((e) => this.deps.log.warn('flow control configuration not read', { err: e as Error })), this.deps.refreshMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const [schemas, levels] = await Promise.all([this.deps.list('flowschemas'), this.deps.list('prioritylevelconfigurations')]);
    const total = this.deps.serverConcurrencyLimit ?? 600;
    const limited = levels.filter((l) => (l.spec as { type?: string } | undefined)?.type === 'Limited');
    const shareOf = (l: KubeObject) => ((l.spec as { limited?: LimitedSpec }).limited?.nominalConcurrencyShares ?? 30);
    const sum = limited.reduce((n, l) => n + shareOf(l), 0) || 1;
    this.exempt = new Map(levels.filter((l) => (l.spec as { type?: string } | undefined)?.type === 'Exempt').map((l) => [l.metadata!.name!, l.metadata!.uid ?? '']));
    const live = new Set<string>();
    for (const l of limited) {
      const name = l.metadata!.name!;
      live.add(name);
      const spec = (l.spec as { limited?: LimitedSpec }).limited ?? {};
      const limit = Math.max(1, Math.ceil((total * shareOf(l)) / sum));
      const queuing = spec.limitResponse?.type === 'Queue' ? spec.limitResponse.queuing : undefined;
      const existing = this.levels.get(name);
      if (existing) existing.reconfigure(l.metadata!.uid ?? '', limit, queuing);
      else this.levels.set(name, new PriorityLevel(name, l.metadata!.uid ?? '', limit, queuing, this.deps.queueTimeoutMs ?? 15_000));
    }
    for (const name of [...this.levels.keys()]) if (!live.has(name)) this.levels.delete(name);
    this.levelNames = new Set([...this.exempt.keys(), ...this.levels.keys()]);
    this.schemas = orderFlowSchemas(schemas);
    await this.markDangling(schemas, new Set(levels.map((l) => l.metadata!.name!)));
  }

  /** Each FlowSchema's Dangling condition, as upstream's configuration controller keeps it. */
  private async markDangling(schemas: KubeObject[], levels: Set<string>): Promise<void> {
    const set = this.deps.setCondition;
    if (!set) return;
    const seen = new Set<string>();
    for (const fs of schemas) {
      const id = `${fs.metadata!.name}@${fs.metadata!.resourceVersion}`;
      seen.add(id);
      if (this.written.has(id)) continue;
      const cond = danglingUpdate(fs, levels, this.deps.now?.() ?? new Date());
      if (!cond) continue;
      this.written.add(id);
      await set(fs.metadata!.name!, cond).catch((e) => {
        this.written.delete(id); // tried again at the next refresh
        this.deps.log.warn('FlowSchema status not written', { flowSchema: fs.metadata!.name, err: e as Error });
      });
    }
    for (const id of this.written) if (!seen.has(id)) this.written.delete(id);
  }

  /** The debug dumps, for GET /debug/api_priority_and_fairness/dump_*. */
  debug(path: string): string | undefined {
    if (path === `${DEBUG_PREFIX}dump_priority_levels`) return dumpPriorityLevels([...this.exempt.keys()], [...this.levels.values()]);
    if (path === `${DEBUG_PREFIX}dump_queues`) return dumpQueues([...this.exempt.keys()], [...this.levels.values()]);
    return undefined;
  }

  /**
   * Runs `run` when the request's priority level lets it, holding the seats of its work estimate until `finished` (the response's end; for a watch,
   * until `run` returns, its initial events out); sets the response headers that name the FlowSchema and priority level; a 429 (Retry-After: 1) when
   * the level refuses it.
   */
  async handle(
    user: UserInfo,
    info: RequestInfo,
    query: URLSearchParams,
    setHeader: (k: string, v: string) => void,
    run: () => Promise<void>,
    finished: Promise<void>,
  ): Promise<void> {
    const watch = info.isResourceRequest && info.verb === 'watch';
    if (watch) void finished.then(this.watches.register(info));
    const c = classify(this.schemas, this.levelNames, user, info);
    if (!c) return run();
    const level = this.levels.get(c.level);
    setHeader('X-Kubernetes-PF-FlowSchema-UID', c.flowSchema.metadata?.uid ?? '');
    setHeader('X-Kubernetes-PF-PriorityLevel-UID', level?.uid ?? this.exempt.get(c.level) ?? '');
    if (!level || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource))) return run();
    const work = estimateWork(info, query, { objectCount: (g, r) => this.deps.objectCount?.(g, r), watchCount: (i) => this.watches.interested(i) });
    const admission = await level.admit(c.flow, work);
    if (!admission.ok) {
      setHeader('Retry-After', '1');
      throw new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
    }
    if (watch) {
      // A watch is done with its seats once its initial events are out: when the handler returns.
      try {
        await run();
      } finally {
        admission.release();
      }
      return;
    }
    // The seats are held until the response is written out (upstream's handler returns then).
    void finished.then(admission.release);
    await run();
  }
}
