// kubectl get pods: READY, STATUS with the reason a person wants to see (Init:1/2,
// CrashLoopBackOff, Terminating, Completed...), RESTARTS "N (5m ago)", and the wide columns.

import type { KubeObject, TablePrinter, TableRowCondition } from '../../types.ts';
import { since } from '../../meta/duration.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, recs, spec, statusOf, str, num, type Rec } from '../../meta/table-format.ts';

const NODE_LOST = 'NodeLost';

function isRestartableInit(c: Rec | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function later(a: string, b: unknown): string {
  const t = str(b);
  return t !== '' && (a === '' || Date.parse(t) > Date.parse(a)) ? t : a;
}

function conditionTrue(status: Rec, type: string): boolean {
  return recs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const sp = spec(pod);
  const st = statusOf(pod);
  const phase = str(st.phase);
  let reason = str(st.reason) || phase;
  for (const c of recs(st.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map<string, Rec>();
  let total = recs(sp.containers).length;
  for (const c of recs(sp.initContainers)) {
    initSpecs.set(str(c.name), c);
    if (isRestartableInit(c)) total++;
  }
  const initCount = recs(sp.initContainers).length;

  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = '';
  let lastSidecarRestart = '';
  let ready = 0;
  let initializing = false;
  const initStatuses = recs(st.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] as Rec;
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
    const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
    const finishedAt = rec(rec(cs.lastState).terminated).finishedAt;
    restarts += num(cs.restartCount);
    lastRestart = later(lastRestart, finishedAt);
    const sidecar = isRestartableInit(initSpecs.get(str(cs.name)));
    if (sidecar) {
      sidecarRestarts += num(cs.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finishedAt);
    }
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated.reason);
      if (r !== '') reason = `Init:${r}`;
      else if (num(terminated.signal) !== 0) reason = `Init:Signal:${num(terminated.signal)}`;
      else reason = `Init:ExitCode:${num(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(st, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = recs(st.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as Rec;
      const state = rec(cs.state);
      const waiting = rec(state.waiting);
      const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
      restarts += num(cs.restartCount);
      lastRestart = later(lastRestart, rec(rec(cs.lastState).terminated).finishedAt);
      if (str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason);
      else if (terminated) {
        reason = num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(st, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp) {
    if (st.reason === NODE_LOST) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restartText = restarts !== 0 && lastRestart !== '' ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, reason, restarts: restartText };
}

function readinessGates(pod: KubeObject): string {
  const gates = recs(spec(pod).readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = recs(statusOf(pod).conditions);
  let ok = 0;
  for (const g of gates) {
    const c = conditions.find((c) => c.type === g.conditionType);
    if (c?.status === 'True') ok++;
  }
  return `${ok}/${gates.length}`;
}

export const podTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Ready containers out of all containers (restartable init containers included).'),
    col('Status', 'string', 'The phase, or the reason that best explains the state of the containers.'),
    col('Restarts', 'string', 'Container restarts, and how long ago the last one finished.'),
    ageColumn,
    col('IP', 'string', 'The first IP address allocated to the pod.', true),
    col('Node', 'string', 'The node the pod is bound to.', true),
    col('Nominated Node', 'string', 'The node preemption made room on, before the pod is bound.', true),
    col('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.', true),
  ],
  row(pod, now) {
    const s = summarizePod(pod, now);
    const st = statusOf(pod);
    const ip = str(recs(st.podIPs)[0]?.ip);
    return [
      objName(pod), s.ready, s.reason, s.restarts, objAge(pod, now),
      ip || '<none>', str(spec(pod).nodeName) || '<none>', str(st.nominatedNodeName) || '<none>', readinessGates(pod),
    ];
  },
  conditions(pod): TableRowCondition[] {
    const phase = statusOf(pod).phase;
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return [];
  },
};
