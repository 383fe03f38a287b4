// One pod's life on the node, level-triggered: each sync compares the Pod with the runtime
// and takes the next step: volumes, sandbox, init containers one by one in order (sidecars,
// restartPolicy Always, done once started and then kept running: init-containers.ts), then the
// containers; restarts by restartPolicy with upstream's back-off (10 s doubling to 5 min:
// CrashLoopBackOff while waiting), image pulls by imagePullPolicy (ErrImagePull, then
// ImagePullBackOff), probes, ephemeral containers once the pod runs, and finally the status
// patch of what changed. `terminate` is the graceful end: preStop hooks and SIGTERM within the
// grace period, then sandbox and volumes removed, and the Pod deleted for good. Helpers:
// container-runs.ts, container-probes.ts, restart-backoff.ts, termination.ts, pod-api.ts.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/core/pod/types.ts';
import { isNotFound } from '../cri/client.ts';
import { unmountAll } from '../cri/containerd.ts';
import type { ContainerStatus as CriStatus } from '../cri/types.ts';
import { ConfigError } from './api-refs.ts';
import { deletePod, patchPodStatus } from './pod-api.ts';
import { containerEnv } from './env.ts';
import { ContainerProbes } from './container-probes.ts';
import { RestartBackoff } from './restart-backoff.ts';
import { addTerminationMessages, containerRuns, EPHEMERAL, EPHEMERAL_LABEL, INIT_LABEL, terminationLogPath } from './container-runs.ts';
import { isSidecar, planInit, type InitRun } from './init-containers.ts';
import { killContainer, removeSandbox, runPostStart, stopContainers, stopPodInRuntime } from './termination.ts';
import { definitionChanged, definitionChangedMessage } from './container-hash.ts';
import { containerConfig, sandboxConfig } from './runtime-spec.ts';
import { podStatus, type ContainerView, type Waiting } from './status.ts';
import type { KubeletContext } from './context.ts';
import { refreshVolumes, setUpVolumes, type VolumePaths } from './volumes.ts';
import { podResolvConf, type PodDnsSpec } from '../dns/resolv-conf.ts';

const errText = (e: unknown) => (e instanceof Error ? e.message.replace(/^CRI \w+: /, '') : String(e));

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  sandboxId?: string;
  private sandboxAttempt = 0;
  private podIPs: string[] = [];
  private volumes?: VolumePaths;
  private readonly waiting = new Map<string, Waiting>();
  private readonly restartBackoff = new RestartBackoff();
  private readonly probes: ContainerProbes;
  private readonly exited = new Map<string, CriStatus>();
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private again = false;
  private finished = false;
  terminating = false;
  /** The pod got past its init containers in the current sandbox. */
  private initialized = false;
  private startTime?: string;
  /** The status last sent (or found in place): an API update that only echoes it needs no sync. */
  reported?: Record<string, unknown>;
  /** Container id -> the state this worker last acted on: the runtime relist (PLEG) wakes it for other states only. */
  readonly actedOn = new Map<string, string>();
  /** The containers this sync created (all a sandbox made in this sync holds). */
  private createdNow: string[] = [];
  /** When the file volumes were last written (0: not yet). */
  private volumesWrittenAt = 0;

  constructor(
    private readonly ctx: KubeletContext,
    pod: Pod,
    adopted?: { sandboxId: string; attempt: number },
  ) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    this.probes = new ContainerProbes({
      runtime: ctx.cri.runtime,
      podIP: () => this.podIPs[0] ?? '',
      graceSeconds: () => this.pod.spec?.terminationGracePeriodSeconds ?? 30,
      terminating: () => this.terminating,
      event: (type, reason, message) => this.event(type, reason, message),
      resync: () => this.schedule(),
    });
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
    await this.refreshVolumes();
    const sandbox = await this.ensureSandbox();
    if (!sandbox) return;
    // A sandbox made just now holds no container yet: no need to ask the runtime.
    const runs = sandbox === 'created' ? new Map<string, CriStatus[]>() : await this.containerRuns();
    this.createdNow = [];
    if (sandbox !== 'created') this.actedOn.clear();
    for (const r of runs.values()) for (const st of r) this.actedOn.set(st.id, st.state);
    let next = Infinity;
    const wake = (ms: number) => (next = Math.min(next, ms));
    const initialized = await this.syncInitContainers(runs, wake);
    if (initialized) {
      for (const c of this.pod.spec?.containers ?? []) {
        const name = c.name ?? '';
        let latest = runs.get(name)?.[0];
        // A new image (kubectl set image): killed and started again from the new spec, whatever the restartPolicy.
        if (definitionChanged(c, latest)) {
          latest = await this.killChanged(c, name, latest!, false);
          await this.startContainer(c, name, latest.metadata.attempt + 1, wake);
          continue;
        }
        // A container found running (adopted after a restart of the agent) gets its probes.
        if (latest?.state === 'CONTAINER_RUNNING' && !this.probes.has(name)) this.probes.start(c, name, latest.id);
        if (latest && latest.state !== 'CONTAINER_EXITED') continue;
        const policy = this.pod.spec?.restartPolicy ?? 'Always';
        if (latest && (policy === 'Never' || (policy === 'OnFailure' && latest.exitCode === 0))) continue;
        await this.startOrBackOff(c, name, latest, wake);
      }
      // Ephemeral containers (kubectl debug): started once the pod runs, never restarted.
      for (const c of this.pod.spec?.ephemeralContainers ?? []) {
        const key = `${EPHEMERAL}${c.name}`;
        if (!runs.get(key)?.length) await this.startContainer(c, key, 0, wake, runs);
      }
    }
    const fresh = await this.containerRuns(sandbox === 'created' ? this.createdNow : undefined);
    const phase = await this.report(fresh, initialized);
    if (phase === 'Succeeded' || phase === 'Failed') {
      // The pod is done: free its network and stop the sandbox; containers stay for their logs.
      this.finished = true;
      this.probes.stop();
      // Sidecars outlive the main containers of a Job's pod: stopped now, in reverse order; their exit changes nothing.
      const sidecars = (this.pod.spec?.initContainers ?? []).filter((c) => isSidecar(c) && fresh.get(`init/${c.name}`)?.[0]?.state === 'CONTAINER_RUNNING');
      if (sidecars.length && this.sandboxId) {
        const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.event(type, reason, message);
        const only = new Set(sidecars.map((c) => c.name ?? ''));
        await stopContainers({ runtime, pod: this.pod, sandboxId: this.sandboxId, podIP: this.podIPs[0] ?? '', graceSeconds: this.pod.spec?.terminationGracePeriodSeconds ?? 30, event }, only);
        await this.report(undefined, initialized);
      }
      if (this.sandboxId) await runtime.stopPodSandbox(this.sandboxId).catch(() => undefined);
      return;
    }
    // The next refresh of configMap, secret, downwardAPI and projected volumes.
    if (this.refreshable) wake(Math.max(0, this.volumesWrittenAt + this.ctx.syncFrequencyMs - Date.now()) + 10);
    if (next < Infinity) this.schedule(next);
  }

  private get refreshable(): boolean {
    return (this.pod.spec?.volumes ?? []).some((v) => v.configMap || v.secret || v.downwardAPI || v.projected);
  }

  /** Writes the pod's file volumes again once per sync period (upstream's kubelet does it in its periodic pod sync). */
  private async refreshVolumes(): Promise<void> {
    if (!this.volumesWrittenAt) {
      this.volumesWrittenAt = Date.now();
      return;
    }
    if (Date.now() - this.volumesWrittenAt < this.ctx.syncFrequencyMs || !this.volumes) return;
    this.volumesWrittenAt = Date.now();
    const ctx = { client: this.ctx.client, pod: this.pod, podDir: this.podDir, caPem: this.ctx.caPem, allocatable: this.ctx.allocatable };
    const changed = await refreshVolumes(ctx, this.volumes, (m) => this.event('Warning', 'FailedMount', m));
    if (changed.length) this.ctx.log.debug('volumes refreshed', { pod: this.key, volumes: changed });
  }

  /** The pod's sandbox, ready: 'created' when made by this call, undefined when it could not be. */
  private async ensureSandbox(): Promise<'ready' | 'created' | undefined> {
    const { runtime } = this.ctx.cri;
    if (this.sandboxId) {
      const st = await runtime.podSandboxStatus(this.sandboxId).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (st?.state === 'SANDBOX_READY') {
        this.podIPs = st.network?.ip ? [st.network.ip, ...st.network.additionalIps.map((x) => x.ip)] : [];
        return 'ready';
      }
      // The sandbox died (or was removed): everything in it starts again in a new one.
      this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      if (st) await removeSandbox(runtime, this.sandboxId);
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
      return undefined;
    }
    const st = await runtime.podSandboxStatus(this.sandboxId);
    this.podIPs = st.network?.ip ? [st.network.ip, ...st.network.additionalIps.map((x) => x.ip)] : [];
    this.startTime ??= new Date().toISOString().slice(0, 19) + 'Z';
    this.initialized = false;
    return 'created';
  }

  private containerRuns(ids?: string[]): Promise<Map<string, CriStatus[]>> {
    return containerRuns(this.ctx.cri.runtime, this.sandboxId, this.pod, this.exited, ids);
  }

  /**
   * Init containers in order (planInit): a regular one must exit 0 before the next starts, a
   * sidecar must have started; a sidecar started now without a startupProbe lets the next one
   * start in the same sync. Once initialized, exited sidecars restart, whatever the pod's
   * restartPolicy. Resolves whether the main containers may run.
   */
  private async syncInitContainers(runs: Map<string, CriStatus[]>, wake: (ms: number) => void): Promise<boolean> {
    const inits = this.pod.spec?.initContainers ?? [];
    // Adopted after a restart of the agent: a main container that ran means the pod got past its init containers.
    if (!this.initialized && (this.pod.spec?.containers ?? []).some((c) => runs.has(c.name ?? ''))) this.initialized = true;
    const startedNow = new Set<string>();
    for (const c of inits.filter(isSidecar)) {
      const key = `init/${c.name}`;
      let latest = runs.get(key)?.[0];
      // A sidecar with a new image: killed here, then started again below like any exited sidecar.
      if (definitionChanged(c, latest)) {
        latest = await this.killChanged(c, key, latest!, true);
        runs.set(key, [latest, ...(runs.get(key) ?? []).slice(1)]);
      }
      if (latest?.state === 'CONTAINER_RUNNING' && !this.probes.has(`init/${c.name}`)) this.probes.start(c, `init/${c.name}`, latest.id);
    }
    for (let round = 0; round <= inits.length; round++) {
      const view = inits.map((c): InitRun => {
        const key = `init/${c.name}`;
        const latest = runs.get(key)?.[0];
        if (startedNow.has(key) || (latest && latest.state !== 'CONTAINER_EXITED')) return { state: 'running', started: this.probes.started(key) };
        return latest ? { state: 'exited', exitCode: latest.exitCode, started: false } : { state: 'none', started: false };
      });
      const plan = planInit(inits, view, this.initialized, this.pod.spec?.restartPolicy);
      if (plan.initialized) this.initialized = true;
      let progressed = false;
      for (const i of plan.start) {
        const c = inits[i];
        const key = `init/${c.name}`;
        if (startedNow.has(key)) continue;
        const id = await this.startOrBackOff(c, key, runs.get(key)?.[0], wake);
        if (id && isSidecar(c)) {
          startedNow.add(key);
          progressed ||= this.probes.started(key);
        }
      }
      if (plan.initialized || !progressed) return plan.initialized;
    }
    return this.initialized;
  }

  /** Kills a running container whose definition changed (the Killing event as upstream's); resolves its run, now exited, with no back-off left. */
  private async killChanged(c: Container, key: string, latest: CriStatus, sidecar: boolean): Promise<CriStatus> {
    const { runtime } = this.ctx.cri;
    this.probes.stop(key);
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.event(type, reason, message);
    const stop = { runtime, pod: this.pod, sandboxId: this.sandboxId!, podIP: this.podIPs[0] ?? '', graceSeconds: this.pod.spec?.terminationGracePeriodSeconds ?? 30, event };
    await killContainer(stop, latest.id, c.name ?? '', definitionChangedMessage(c, sidecar));
    this.restartBackoff.forget(key);
    // StopContainer returns once the container has stopped: its status says exited.
    return runtime.containerStatus(latest.id);
  }

  /** Starts the container now or, within its back-off, later (CrashLoopBackOff); resolves its id when started. */
  private async startOrBackOff(c: Container, key: string, latest: CriStatus | undefined, wake: (ms: number) => void): Promise<string | undefined> {
    if (latest) {
      const now = Date.now();
      const b = this.restartBackoff.next(key, latest.finishedAt ? latest.finishedAt / 1e6 : now, now);
      if (b.waitMs > 0) {
        const msg = `back-off ${Math.round(b.delayMs / 1000)}s restarting failed container=${c.name} pod=${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.uid})`;
        if (this.waiting.get(key)?.reason !== 'CrashLoopBackOff') this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.uid})`);
        this.waiting.set(key, { reason: 'CrashLoopBackOff', message: msg });
        wake(b.waitMs + 50);
        return undefined;
      }
    }
    return this.startContainer(c, key, latest ? latest.metadata.attempt + 1 : 0, wake);
  }

  /** Creates and starts one container, runs its postStart and starts its probes; resolves its id when all went well. */
  private async startContainer(c: Container, key: string, attempt: number, wake: (ms: number) => void, runs?: Map<string, CriStatus[]>): Promise<string | undefined> {
    const pulled = await this.ctx.images.ensure(c, this.pod, (type, reason, message) => this.event(type, reason, message));
    if (pulled.waiting) {
      this.waiting.set(key, pulled.waiting);
      wake(pulled.retryMs ?? 5000);
      return undefined;
    }
    let envs: { key: string; value: string }[];
    try {
      envs = await containerEnv({ client: this.ctx.client, pod: this.pod, hostIP: this.ctx.hostIP, podIPs: this.podIPs, allocatable: this.ctx.allocatable, kubernetesService: this.ctx.kubernetesService }, c);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.event('Warning', 'Failed', `Error: ${e.message}`);
      this.waiting.set(key, { reason: 'CreateContainerConfigError', message: e.message });
      wake(2000);
      return undefined;
    }
    const termLog = terminationLogPath(this.podDir, key);
    mkdirSync(join(termLog, '..'), { recursive: true });
    writeFileSync(termLog, '');
    const config = containerConfig({ pod: this.pod, container: c, attempt, envs, volumes: this.volumes ?? new Map(), terminationLog: termLog, owner: this.ctx.nodeName });
    if (key.startsWith('init/')) config.labels![INIT_LABEL] = 'true';
    if (key.startsWith(EPHEMERAL)) {
      config.labels![EPHEMERAL_LABEL] = 'true';
      // --target: the debugger sees that container's processes.
      const target = (c as { targetContainerName?: string }).targetContainerName;
      const targetRun = target ? runs?.get(target)?.[0] : undefined;
      if (targetRun?.state === 'CONTAINER_RUNNING') config.linux!.securityContext!.namespaceOptions = { ...config.linux!.securityContext!.namespaceOptions, pid: 'TARGET', targetId: targetRun.id };
    }
    const sandbox = sandboxConfig(this.pod, { logDir: this.podDir + '/logs', attempt: this.sandboxAttempt, owner: this.ctx.nodeName, dns: this.ctx.dns });
    let id: string;
    try {
      id = await this.ctx.cri.runtime.createContainer(this.sandboxId!, config, sandbox);
    } catch (e) {
      this.event('Warning', 'Failed', `Error: ${errText(e)}`);
      this.waiting.set(key, { reason: 'CreateContainerError', message: errText(e) });
      wake(5000);
      return undefined;
    }
    this.createdNow.push(id);
    this.actedOn.set(id, 'CONTAINER_CREATED');
    this.event('Normal', 'Created', `Created container: ${c.name}`);
    this.waiting.delete(key);
    try {
      await this.ctx.cri.runtime.startContainer(id);
    } catch (e) {
      // The runtime keeps the container as exited (StartError, exit 128): back-off restarts it.
      this.event('Warning', 'Failed', `Error: ${errText(e)}`);
      wake(100);
      return undefined;
    }
    this.actedOn.set(id, 'CONTAINER_RUNNING');
    this.event('Normal', 'Started', `Started container ${c.name}`);
    if (!(await runPostStart(this.ctx.cri.runtime, c, id, this.podIPs[0] ?? '', this.pod.spec?.terminationGracePeriodSeconds ?? 30, (t, r, m) => this.event(t, r, m)))) {
      wake(100);
      return undefined;
    }
    // Main containers and sidecars have probes; regular init and ephemeral containers none.
    if (key.startsWith(EPHEMERAL) || (key.startsWith('init/') && !isSidecar(c))) return id;
    this.probes.start(c, key, id);
    return id;
  }

  /** Patches the status the API has towards what the runtime says; returns the phase. */
  private async report(runs?: Map<string, CriStatus[]>, initialized = false): Promise<string> {
    runs ??= await this.containerRuns();
    const containers = new Map<string, ContainerView>();
    const all = [...(this.pod.spec?.initContainers ?? []).map((c) => `init/${c.name}`), ...(this.pod.spec?.containers ?? []).map((c) => c.name ?? ''), ...(this.pod.spec?.ephemeralContainers ?? []).map((c) => `${EPHEMERAL}${c.name}`)];
    const regularInit = new Set((this.pod.spec?.initContainers ?? []).filter((c) => !isSidecar(c)).map((c) => `init/${c.name}`));
    for (const key of all) {
      const r = runs.get(key) ?? [];
      const running = r[0]?.state === 'CONTAINER_RUNNING';
      const latestExited = r[0]?.state === 'CONTAINER_EXITED';
      // A regular init container is ready once it exited 0 (as upstream writes it); the others by their probes.
      const ready = regularInit.has(key) ? latestExited && r[0].exitCode === 0 : running && this.probes.started(key) && this.probes.ready(key);
      containers.set(key, { runs: r, waiting: latestExited || !r.length ? this.waiting.get(key) : undefined, ready, started: running && this.probes.started(key) });
    }
    const wanted = podStatus({ pod: this.pod, hostIP: this.ctx.hostIP, podIPs: this.podIPs, sandboxReady: !!this.sandboxId, initialized, containers, now: new Date(), startTime: this.startTime });
    addTerminationMessages((wanted.containerStatuses as Record<string, unknown>[]) ?? [], this.podDir);
    this.reported = wanted;
    this.pod = await patchPodStatus(this.ctx.client, this.ctx.log, this.pod, this.uid, wanted);
    return wanted.phase as string;
  }

  /** Graceful end: preStop and SIGTERM within the grace period, then nothing left in the runtime, then the Pod deleted. */
  async terminate(graceSeconds: number, deleteFromApi: boolean): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    if (this.timer) clearTimeout(this.timer);
    this.probes.stop();
    await this.syncing?.catch(() => undefined);
    if (this.sandboxId) {
      const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.event(type, reason, message);
      await stopPodInRuntime({ runtime: this.ctx.cri.runtime, pod: this.pod, sandboxId: this.sandboxId, podIP: this.podIPs[0] ?? '', graceSeconds, event });
    }
    // Memory-backed emptyDirs are tmpfs mounts: unmounted before the directory goes.
    await unmountAll(this.podDir);
    rmSync(this.podDir, { recursive: true, force: true });
    if (deleteFromApi) await deletePod(this.ctx.client, this.ctx.log, this.pod, this.uid);
  }
}
