// The resource metrics API (metrics.k8s.io/v1beta1: NodeMetrics as `nodes`, PodMetrics as
// `pods`, get and list) served in-process, so `kubectl top` works without metrics-server (k3s
// ships the same convenience). It is a local group in the run-time registry, not an
// aggregated one: discovery lists it, the engine serves get/list (selectors, tables) over the
// read-only store below, and no request leaves the apiserver but the kubelet scrapes
// (usage.ts). The APIService `v1beta1.metrics.k8s.io` is the local one the aggregation layer
// registers for each group version the apiserver serves.

import type { KubeObject, ResourceType } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { ListOptions, ListResult, ResourceStore } from '../registry/types.ts';
import type { NodeUsage, PodUsage, UsageSource } from './usage.ts';

export const METRICS_GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${VERSION}`;

const base = { group: METRICS_GROUP, version: VERSION, verbs: ['get', 'list'] as ResourceType['verbs'] };
export const NODE_METRICS: ResourceType = { ...base, kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false };
export const POD_METRICS: ResourceType = { ...base, kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true };

export interface MetricsDeps {
  usage: UsageSource;
  /** Nodes and pods as the apiserver's caches have them. */
  listNodes(): Promise<KubeObject[]>;
  listPods(namespace: string): Promise<KubeObject[]>;
}

const cpu = (n: number) => `${Math.max(0, Math.round(n))}n`;
const memory = (b: number) => `${Math.max(0, Math.floor(b / 1024))}Ki`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const windowOf = (ms: number) => `${Math.max(0, ms / 1000)}s`;

export function nodeMetrics(u: NodeUsage, node: KubeObject): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'NodeMetrics',
    metadata: { name: u.node, creationTimestamp: iso(new Date()), labels: node.metadata?.labels },
    timestamp: iso(u.timestamp),
    window: windowOf(u.windowMs),
    usage: { cpu: cpu(u.cpuNanoCores), memory: memory(u.memoryBytes) },
  } as KubeObject;
}

export function podMetrics(u: NodeUsage, p: PodUsage, pod: KubeObject): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'PodMetrics',
    metadata: { name: p.name, namespace: p.namespace, creationTimestamp: iso(new Date()), labels: pod.metadata?.labels },
    timestamp: iso(u.timestamp),
    window: windowOf(u.windowMs),
    containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.cpuNanoCores), memory: memory(c.memoryBytes) } })),
  } as KubeObject;
}

const readOnly = () => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

/** Keys as the engine builds them: /registry/metrics.k8s.io/<plural>/[<ns>/][<name>]. */
function parseKey(key: string, namespaced: boolean): { namespace: string; name: string } {
  const [namespace, name] = key.split('/').filter(Boolean).slice(3);
  return namespaced ? { namespace: namespace ?? '', name: name ?? '' } : { namespace: '', name: namespace ?? '' };
}

class MetricsStore implements ResourceStore {
  constructor(
    private readonly rt: ResourceType,
    private readonly deps: MetricsDeps,
  ) {}

  private async all(namespace: string): Promise<KubeObject[]> {
    const nodes = await this.deps.listNodes();
    const usage = await this.deps.usage.nodes(nodes, () => this.deps.listPods(''));
    if (this.rt.kind === 'NodeMetrics') {
      return usage.flatMap((u) => {
        const node = nodes.find((n) => n.metadata?.name === u.node);
        return node ? [nodeMetrics(u, node)] : [];
      });
    }
    // Only pods the API has, running on the node that reported them (not a leftover sandbox).
    const pods = new Map((await this.deps.listPods(namespace)).map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
    const out: KubeObject[] = [];
    for (const u of usage) {
      for (const p of u.pods) {
        const pod = pods.get(`${p.namespace}/${p.name}`) as (KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } }) | undefined;
        if (pod && pod.spec?.nodeName === u.node && pod.status?.phase === 'Running') out.push(podMetrics(u, p, pod));
      }
    }
    return out.sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`));
  }

  async get(key: string): Promise<KubeObject> {
    const { namespace, name } = parseKey(key, this.rt.namespaced);
    const found = (await this.all(namespace)).find((o) => o.metadata?.name === name);
    if (found) return found;
    const resource = this.rt.kind === 'NodeMetrics' ? 'nodemetrics' : 'podmetrics';
    const shown = namespace ? `${namespace}/${name}` : name;
    throw new StatusError(404, 'NotFound', `${resource}.${METRICS_GROUP} "${shown}" not found`, { name: shown, group: METRICS_GROUP, kind: resource });
  }

  async list(prefix: string, opts: ListOptions): Promise<ListResult> {
    const { namespace } = parseKey(prefix, this.rt.namespaced);
    const items = (await this.all(namespace)).filter((o) => !opts.predicate || opts.predicate(o));
    return { items, resourceVersion: '' };
  }

  create(): Promise<KubeObject> {
    throw readOnly();
  }
  guaranteedUpdate(): Promise<KubeObject> {
    throw readOnly();
  }
  delete(): Promise<KubeObject> {
    throw readOnly();
  }
  watch(): never {
    throw readOnly();
  }
}

export interface ResourceMetricsApi {
  resources: ResourceType[];
  /** The store of a metrics resource, or undefined for any other. */
  storeFor(rt: ResourceType): ResourceStore | undefined;
}

export function resourceMetricsApi(deps: MetricsDeps): ResourceMetricsApi {
  const stores = new Map([NODE_METRICS, POD_METRICS].map((rt) => [rt.plural, new MetricsStore(rt, deps)]));
  return {
    resources: [NODE_METRICS, POD_METRICS],
    storeFor: (rt) => (rt.group === METRICS_GROUP ? stores.get(rt.plural) : undefined),
  };
}
