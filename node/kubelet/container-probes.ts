// The probes of one pod's containers and what they decide: started (startupProbe passed),
// ready (readinessProbe), and a restart when liveness or startup fails (upstream's
// prober manager, per pod). The pod worker asks `ready`/`started` when it reports status.

import type { Container } from '../../api/core/pod/types.ts';
import type { RuntimeService } from '../cri/types.ts';
import { ProbeTimer, type ProbeKind, type ProbeResult } from './probes.ts';

export interface ProbeHost {
  runtime: RuntimeService;
  podIP(): string;
  /** The pod's terminationGracePeriodSeconds (a probe's own overrides it). */
  graceSeconds(): number;
  terminating(): boolean;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Something changed: sync the pod again. */
  resync(): void;
}

export class ContainerProbes {
  private readonly timers = new Map<string, ProbeTimer[]>();
  private readonly readyBy = new Map<string, boolean>();
  private readonly startedBy = new Map<string, boolean>();

  constructor(private readonly host: ProbeHost) {}

  has(key: string): boolean {
    return this.timers.has(key);
  }
  ready(key: string): boolean {
    return this.readyBy.get(key) ?? true;
  }
  started(key: string): boolean {
    return this.startedBy.get(key) ?? true;
  }

  start(c: Container, key: string, id: string): void {
    this.stop(key);
    const target = { runtime: this.host.runtime, containerId: id, container: c, podIP: this.host.podIP() || '127.0.0.1' };
    const on = (k: ProbeKind, v: boolean | undefined, r: ProbeResult, ch: boolean) => this.onResult(c, key, id, k, v, r, ch);
    const startup = c.startupProbe ? new ProbeTimer('Startup', c.startupProbe, target, on) : undefined;
    const startedNow = () => !startup || startup.verdict === true;
    this.startedBy.set(key, !startup);
    this.readyBy.set(key, !c.readinessProbe && !startup);
    const timers: ProbeTimer[] = startup ? [startup] : [];
    if (c.livenessProbe) timers.push(new ProbeTimer('Liveness', c.livenessProbe, target, on, startedNow));
    if (c.readinessProbe) timers.push(new ProbeTimer('Readiness', c.readinessProbe, target, on, startedNow));
    this.timers.set(key, timers);
  }

  /** Stops one container's probes, or every one. */
  stop(key?: string): void {
    for (const [k, timers] of this.timers) {
      if (key !== undefined && k !== key) continue;
      for (const t of timers) t.stop();
      this.timers.delete(k);
    }
  }

  private onResult(c: Container, key: string, id: string, kind: ProbeKind, verdict: boolean | undefined, r: ProbeResult, changed: boolean): void {
    const h = this.host;
    if (h.terminating()) return;
    if (!r.ok) h.event('Warning', 'Unhealthy', `${kind} probe failed: ${r.message}`);
    if (kind === 'Readiness') {
      if (changed) {
        this.readyBy.set(key, verdict === true);
        h.resync();
      }
      return;
    }
    if (kind === 'Startup' && verdict === true && changed) {
      this.startedBy.set(key, true);
      if (!c.readinessProbe) this.readyBy.set(key, true);
      h.resync();
      return;
    }
    if (verdict === false) {
      // Upstream words a sidecar's liveness kill as an init container's, without the suffix.
      const sidecarLiveness = key.startsWith('init/') && kind === 'Liveness';
      h.event('Normal', 'Killing', sidecarLiveness ? `Init container ${c.name} failed liveness probe` : `Container ${c.name} failed ${kind.toLowerCase()} probe, will be restarted`);
      this.readyBy.set(key, false);
      const grace = (kind === 'Liveness' ? c.livenessProbe : c.startupProbe)?.terminationGracePeriodSeconds ?? h.graceSeconds();
      void h.runtime
        .stopContainer(id, grace)
        .catch(() => undefined)
        .then(() => h.resync());
    }
  }
}
