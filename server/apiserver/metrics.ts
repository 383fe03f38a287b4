// /metrics in Prometheus format with upstream's names for request counts and latencies,
// on the prom-client library.

import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  code: string;
  dry_run: string;
}

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly total: Counter<string>;
  private readonly duration: Histogram<string>;
  readonly inflight: Gauge<string>;
  readonly watchers: Gauge<string>;
  readonly terminatedWatchers: Counter<string>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.total = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
      registers: [this.registry],
    });
    this.inflight = new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers: [this.registry],
    });
    this.watchers = new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      registers: [this.registry],
    });
    this.terminatedWatchers = new Counter({
      name: 'apiserver_terminated_watchers_total',
      help: 'Counter of watchers closed due to unresponsiveness broken by resource type.',
      labelNames: ['group', 'resource'],
      registers: [this.registry],
    });
  }

  /**
   * Each label set's series, found once: prom-client validates and hashes a labels object on
   * every inc/observe, which on a busy server was a measurable share of every request.
   */
  readonly #series = new Map<string, { total: { inc(): void }; duration: { observe(v: number): void } }>();

  observe(l: RequestLabels, seconds: number): void {
    const key = `${l.verb}\0${l.group}\0${l.version}\0${l.resource}\0${l.subresource}\0${l.scope}\0${l.code}\0${l.dry_run}`;
    let s = this.#series.get(key);
    if (!s) {
      const verb = l.verb.toUpperCase();
      const { code: _code, ...rest } = l;
      s = { total: this.total.labels({ ...l, verb, component: 'apiserver' }), duration: this.duration.labels({ ...rest, verb, component: 'apiserver' }) };
      this.#series.set(key, s);
    }
    s.total.inc();
    s.duration.observe(seconds);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
