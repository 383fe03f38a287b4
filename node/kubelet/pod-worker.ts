// One pod's life on the node, level-triggered: each sync compares the Pod with the runtime
// and takes the next step: volumes, sandbox, init containers one by one in order, then the
// containers; restarts by restartPolicy with upstream's back-off (10 s doubling to 5 min:
// CrashLoopBackOff while waiting), image pulls by imagePullPolicy (ErrImagePull, then
// ImagePullBackOff), probes, and finally the status patch of what changed. `terminate` is the
// graceful end: preStop hooks and SIGTERM within the grace period, then sandbox and volumes
// removed, and the Pod deleted for good.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/core/pod/types.ts';
import { isNotFound } from '../cri/client.ts';
import type { ContainerStatus as CriStatus } from '../cri/types.ts';
import { statusDiff, type JsonObject } from '../common/status-patch.ts';
import { ConfigError, PODS } from './api-refs.ts';
import { containerEnv } from './env.ts';
import { ProbeTimer, runProbe, type ProbeKind, type ProbeResult } from './probes.ts';
import { containerConfig, sandboxConfig } from './runtime-spec.ts';
import { podStatus, type ContainerView, type Waiting } from './status.ts';
import type { KubeletContext } from './context.ts';
import { setUpVolumes, type VolumePaths } from './volumes.ts';
import { podResolvConf, type PodDnsSpec } from '../dns/resolv-conf.ts';

const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

interface Backoff {
  delayMs: number;
  /** When the last back-off started (ms). */
  since: number;
}

const errText = (e: unknown) => (e instanceof Error ? e.message.replace(/^CRI \w+: /, '') : String(e));

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  sandboxId?: string;
  private sandboxAttempt = 0;
  private podIPs: string[] = [];
  private volumes?: VolumePaths;
  private readonly waiting = new Map<string, Waiting>();
  private readonly restartBackoff = new Map<string, Backoff>();
  private readonly probes = new Map<string, ProbeTimer[]>();
  private readonly ready = new Map<string, boolean>();
  private readonly started = new Map<string, boolean>();
  private readonly exited = new Map<string, CriStatus>();
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private again = false;
  private finished = false;
  terminating = false;
  private startTime?: string;

  constructor(
    private readonly ctx: KubeletContext,
    pod: Pod,
    adopted?: { sandboxId: string; attempt: number },
  ) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    this.startTime = pod.status?.startTime as string | undefined;
    if (adopted) {
      this.sandboxId = adopted.sandboxId;
      this.sandboxAttempt = adopted.attempt;
    }
  }

  private get key() {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }
  private get podDir() {
    return join(this.ctx.podsDir, this.uid);
  }

  /** Runs sync now (or right after the one in flight), or after `ms`. */
  schedule(ms = 0): void {
    if (ms > 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.schedule(0), ms);
      return;
    }
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = this.sync()
      .catch((e) => {
        this.ctx.log.warn('pod sync failed; retrying', { pod: this.key, err: errText(e) });
        this.schedule(2000);
      })
      .finally(() => {
        this.syncing = undefined;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        }
      });
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.ctx.events.event(this.pod, type, reason, message);
  }

  private async sync(): Promise<void> {
    if (this.terminating || this.ctx.stopped()) return;
    const { runtime } = this.ctx.cri;
    if (this.finished) return;
    // Volumes first: nothing starts until every volume is there.
    try {
      this.volumes = await setUpVolumes({ client: this.ctx.client, pod: this.pod, podDir: this.podDir, caPem: this.ctx.caPem, allocatable: this.ctx.allocatable }, this.volumes);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.event('Warning', 'FailedMount', e.message);
      await this.report();
      this.schedule(2000);
      return;
    }
    if (!(await this.ensureSandbox())) return;
    const runs = await this.containerRuns();
    let next = Infinity;
    const wake = (ms: number) => (next = Math.min(next, ms));
    // Init containers, in order: each must exit 0 before the next starts.
    let initialized = true;
    for (const c of this.pod.spec?.initContainers ?? []) {
      const name = `init/${c.name}`;
      const latest = runs.get(name)?.[0];
      if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
      initialized = false;
      if (latest && latest.state !== 'CONTAINER_EXITED') break;
      if (latest && this.pod.spec?.restartPolicy === 'Never') break;
      await this.startOrBackOff(c, name, latest, wake);
      break;
    }
    if (initialized) {
      for (const c of this.pod.spec?.containers ?? []) {
        const name = c.name ?? '';
        const latest = runs.get(name)?.[0];
        // A container found running (adopted after a restart of the agent) gets its probes.
        if (latest?.state === 'CONTAINER_RUNNING' && !this.probes.has(name)) this.startProbes(c, name, latest.id);
        if (latest && latest.state !== 'CONTAINER_EXITED') continue;
        const policy = this.pod.spec?.restartPolicy ?? 'Always';
        if (latest && (policy === 'Never' || (policy === 'OnFailure' && latest.exitCode === 0))) continue;
        await this.startOrBackOff(c, name, latest, wake);
      }
    }
    const fresh = await this.containerRuns();
    const phase = await this.report(fresh, initialized);
    if (phase === 'Succeeded' || phase === 'Failed') {
      // The pod is done: free its network and stop the sandbox; containers stay for their logs.
      this.finished = true;
      this.stopProbes();
      if (this.sandboxId) await runtime.stopPodSandbox(this.sandboxId).catch(() => undefined);
      return;
    }
    if (next < Infinity) this.schedule(next);
  }

  private async ensureSandbox(): Promise<boolean> {
    const { runtime } = this.ctx.cri;
    if (this.sandboxId) {
      const st = await runtime.podSandboxStatus(this.sandboxId).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (st?.state === 'SANDBOX_READY') {
        this.podIPs = st.network?.ip ? [st.network.ip, ...st.network.additionalIps.map((x) => x.ip)] : [];
        return true;
      }
      // The sandbox died (or was removed): everything in it starts again in a new one.
      this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      if (st) await this.removeSandbox(this.sandboxId);
      this.sandboxId = undefined;
      this.sandboxAttempt++;
    }
    const config = sandboxConfig(this.pod, { logDir: this.podDir + '/logs', attempt: this.sandboxAttempt, owner: this.ctx.nodeName, dns: this.ctx.dns });
    for (const w of podResolvConf(this.pod as PodDnsSpec, this.ctx.dns).warnings) this.event('Warning', 'DNSConfigForming', w);
    mkdirSync(this.podDir + '/logs', { recursive: true });
    try {
      this.sandboxId = await runtime.runPodSandbox(config);
    } catch (e) {
      this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errText(e)}`);
      await this.report();
      this.schedule(5000);
      return false;
    }
    const st = await runtime.podSandboxStatus(this.sandboxId);
    this.podIPs = st.network?.ip ? [st.network.ip, ...st.network.additionalIps.map((x) => x.ip)] : [];
    this.startTime ??= new Date().toISOString().slice(0, 19) + 'Z';
    return true;
  }

  /** The runs of each container (key: name, or init/name), newest first, with exit details. */
  private async containerRuns(): Promise<Map<string, CriStatus[]>> {
    const out = new Map<string, CriStatus[]>();
    if (!this.sandboxId) return out;
    const list = await this.ctx.cri.runtime.listContainers({ podSandboxId: this.sandboxId });
    const inits = new Set((this.pod.spec?.initContainers ?? []).map((c) => c.name));
    for (const c of list) {
      let st = this.exited.get(c.id);
      if (!st) {
        st = await this.ctx.cri.runtime.containerStatus(c.id).catch(() => undefined);
        if (!st) continue;
        if (st.state === 'CONTAINER_EXITED') this.exited.set(c.id, st);
      }
      const key = inits.has(c.metadata.name) && c.labels['kubets.io/init'] === 'true' ? `init/${c.metadata.name}` : c.metadata.name;
      const arr = out.get(key) ?? [];
      arr.push(st);
      out.set(key, arr);
    }
    for (const arr of out.values()) arr.sort((a, b) => b.metadata.attempt - a.metadata.attempt);
    return out;
  }

  private async startOrBackOff(c: Container, key: string, latest: CriStatus | undefined, wake: (ms: number) => void): Promise<void> {
    const now = Date.now();
    if (latest) {
      const b = this.restartBackoff.get(key);
      const finished = latest.finishedAt ? latest.finishedAt / 1e6 : now;
      if (b && now - finished < b.delayMs) {
        const msg = `back-off ${Math.round(b.delayMs / 1000)}s restarting failed container=${c.name} pod=${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.uid})`;
        if (this.waiting.get(key)?.reason !== 'CrashLoopBackOff') this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.uid})`);
        this.waiting.set(key, { reason: 'CrashLoopBackOff', message: msg });
        wake(finished + b.delayMs - now + 50);
        return;
      }
      this.restartBackoff.set(key, { delayMs: b ? Math.min(b.delayMs * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS, since: now });
    }
    await this.startContainer(c, key, latest ? latest.metadata.attempt + 1 : 0, wake);
  }

  private async startContainer(c: Container, key: string, attempt: number, wake: (ms: number) => void): Promise<void> {
    const pulled = await this.ctx.images.ensure(c, this.pod, (type, reason, message) => this.event(type, reason, message));
    if (pulled.waiting) {
      this.waiting.set(key, pulled.waiting);
      wake(pulled.retryMs ?? 5000);
      return;
    }
    let envs: { key: string; value: string }[];
    try {
      envs = await containerEnv({ client: this.ctx.client, pod: this.pod, hostIP: this.ctx.hostIP, podIPs: this.podIPs, allocatable: this.ctx.allocatable }, c);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.event('Warning', 'Failed', `Error: ${e.message}`);
      this.waiting.set(key, { reason: 'CreateContainerConfigError', message: e.message });
      wake(2000);
      return;
    }
    const termLog = join(this.podDir, 'containers', key.replace('/', '_'), 'termination-log');
    mkdirSync(join(termLog, '..'), { recursive: true });
    writeFileSync(termLog, '');
    const config = containerConfig({ pod: this.pod, container: c, attempt, envs, volumes: this.volumes ?? new Map(), terminationLog: termLog, owner: this.ctx.nodeName });
    if (key.startsWith('init/')) config.labels!['kubets.io/init'] = 'true';
    const sandbox = sandboxConfig(this.pod, { logDir: this.podDir + '/logs', attempt: this.sandboxAttempt, owner: this.ctx.nodeName, dns: this.ctx.dns });
    let id: string;
    try {
      id = await this.ctx.cri.runtime.createContainer(this.sandboxId!, config, sandbox);
    } catch (e) {
      this.event('Warning', 'Failed', `Error: ${errText(e)}`);
      this.waiting.set(key, { reason: 'CreateContainerError', message: errText(e) });
      wake(5000);
      return;
    }
    this.event('Normal', 'Created', `Created container: ${c.name}`);
    this.waiting.delete(key);
    try {
      await this.ctx.cri.runtime.startContainer(id);
    } catch (e) {
      // The runtime keeps the container as exited (StartError, exit 128): back-off restarts it.
      this.event('Warning', 'Failed', `Error: ${errText(e)}`);
      wake(100);
      return;
    }
    this.event('Normal', 'Started', `Started container ${c.name}`);
    if (!key.startsWith('init/')) this.startProbes(c, key, id);
  }

  private startProbes(c: Container, key: string, id: string): void {
    this.stopProbes(key);
    const target = { runtime: this.ctx.cri.runtime, containerId: id, container: c, podIP: this.podIPs[0] ?? '127.0.0.1' };
    const timers: ProbeTimer[] = [];
    const startup = c.startupProbe ? new ProbeTimer('Startup', c.startupProbe, target, (k, v, r, ch) => this.onProbe(c, key, id, k, v, r, ch)) : undefined;
    const startedNow = () => !startup || startup.verdict === true;
    this.started.set(key, !startup);
    this.ready.set(key, !c.readinessProbe && !startup);
    if (startup) timers.push(startup);
    if (c.livenessProbe) timers.push(new ProbeTimer('Liveness', c.livenessProbe, target, (k, v, r, ch) => this.onProbe(c, key, id, k, v, r, ch), startedNow));
    if (c.readinessProbe) timers.push(new ProbeTimer('Readiness', c.readinessProbe, target, (k, v, r, ch) => this.onProbe(c, key, id, k, v, r, ch), startedNow));
    this.probes.set(key, timers);
  }

  private onProbe(c: Container, key: string, id: string, kind: ProbeKind, verdict: boolean | undefined, r: ProbeResult, changed: boolean): void {
    if (this.terminating) return;
    if (!r.ok) this.event('Warning', 'Unhealthy', `${kind} probe failed: ${r.message}`);
    if (kind === 'Readiness') {
      if (changed) {
        this.ready.set(key, verdict === true);
        this.schedule();
      }
      return;
    }
    if (kind === 'Startup' && verdict === true && changed) {
      this.started.set(key, true);
      if (!c.readinessProbe) this.ready.set(key, true);
      this.schedule();
      return;
    }
    if (verdict === false) {
      this.event('Normal', 'Killing', `Container ${c.name} failed ${kind.toLowerCase()} probe, will be restarted`);
      this.ready.set(key, false);
      const grace = (kind === 'Liveness' ? c.livenessProbe : c.startupProbe)?.terminationGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
      void this.ctx.cri.runtime
        .stopContainer(id, grace)
        .catch(() => undefined)
        .then(() => this.schedule());
    }
  }

  private stopProbes(key?: string): void {
    for (const [k, timers] of this.probes) {
      if (key !== undefined && k !== key) continue;
      for (const t of timers) t.stop();
      this.probes.delete(k);
    }
  }

  /** Patches the status the API has towards what the runtime says; returns the phase. */
  private async report(runs?: Map<string, CriStatus[]>, initialized = false): Promise<string> {
    runs ??= await this.containerRuns();
    const containers = new Map<string, ContainerView>();
    const all = [...(this.pod.spec?.initContainers ?? []).map((c) => `init/${c.name}`), ...(this.pod.spec?.containers ?? []).map((c) => c.name ?? '')];
    for (const key of all) {
      const r = runs.get(key) ?? [];
      const running = r[0]?.state === 'CONTAINER_RUNNING';
      const latestExited = r[0]?.state === 'CONTAINER_EXITED';
      containers.set(key, { runs: r, waiting: latestExited || !r.length ? this.waiting.get(key) : undefined, ready: running && (this.ready.get(key) ?? true), started: running && (this.started.get(key) ?? true) });
    }
    const wanted = podStatus({ pod: this.pod, hostIP: this.ctx.hostIP, podIPs: this.podIPs, sandboxReady: !!this.sandboxId, initialized, containers, now: new Date(), startTime: this.startTime });
    const terminationMessages = (s: Record<string, unknown>, key: string) => {
      const t = (s.state as { terminated?: Record<string, unknown> }).terminated;
      if (t && !t.message) {
        try {
          const msg = readFileSync(join(this.podDir, 'containers', key.replace('/', '_'), 'termination-log'), 'utf8');
          if (msg) t.message = msg.slice(0, 4096);
        } catch {
          /* none */
        }
      }
    };
    for (const s of (wanted.containerStatuses as Record<string, unknown>[]) ?? []) terminationMessages(s, String(s.name));
    const current = (this.pod.status ?? {}) as JsonObject;
    const diff = statusDiff(current, { ...current, ...(wanted as JsonObject) });
    if (diff) {
      try {
        this.pod = await this.ctx.client.patch<Pod>(PODS, this.pod.metadata?.namespace ?? '', this.pod.metadata?.name ?? '', 'strategic', { metadata: { uid: this.uid }, status: diff }, { subresource: 'status' });
      } catch (e) {
        if ((e as { code?: number }).code !== 404) this.ctx.log.warn('updating pod status failed', { pod: this.key, err: errText(e) });
      }
    }
    return wanted.phase as string;
  }

  private async removeSandbox(id: string): Promise<void> {
    const { runtime } = this.ctx.cri;
    await runtime.stopPodSandbox(id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    await runtime.removePodSandbox(id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }

  /** Graceful end: preStop and SIGTERM within the grace period, then nothing left in the runtime, then the Pod deleted. */
  async terminate(graceSeconds: number, deleteFromApi: boolean): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopProbes();
    await this.syncing?.catch(() => undefined);
    const { runtime } = this.ctx.cri;
    const deadline = Date.now() + graceSeconds * 1000;
    if (this.sandboxId) {
      const list = await runtime.listContainers({ podSandboxId: this.sandboxId }).catch(() => []);
      await Promise.all(
        list
          .filter((c) => c.state === 'CONTAINER_RUNNING')
          .map(async (c) => {
            const spec = [...(this.pod.spec?.containers ?? []), ...(this.pod.spec?.initContainers ?? [])].find((x) => x.name === c.metadata.name);
            this.event('Normal', 'Killing', `Stopping container ${c.metadata.name}`);
            const preStop = (spec?.lifecycle as { preStop?: { exec?: { command?: string[] }; httpGet?: never } } | undefined)?.preStop;
            if (preStop && graceSeconds > 0) {
              const r = await runProbe({ ...preStop, timeoutSeconds: Math.max(1, graceSeconds) }, { runtime, containerId: c.id, container: spec ?? {}, podIP: this.podIPs[0] ?? '' });
              if (!r.ok) this.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`);
            }
            // Upstream gives the container at least 2 s after its preStop hook.
            const left = Math.max(preStop ? 2 : 0, Math.ceil((deadline - Date.now()) / 1000));
            await runtime.stopContainer(c.id, left).catch(() => undefined);
          }),
      );
      await this.removeSandbox(this.sandboxId);
    }
    rmSync(this.podDir, { recursive: true, force: true });
    if (deleteFromApi) {
      await this.ctx.client
        .delete(PODS, this.pod.metadata?.namespace ?? '', this.pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: this.uid } })
        .catch((e) => {
          const code = (e as { code?: number }).code;
          if (code !== 404 && code !== 409) this.ctx.log.warn('deleting the pod failed', { pod: this.key, err: errText(e) });
        });
    }
  }
}
