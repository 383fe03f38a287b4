// The load generator's thread: requests and watch streams run here, so that the apiserver
// (on the main thread) gets a core of its own and figures measure the server, not the client.

import { parentPort, workerData } from 'node:worker_threads';
import { timedRun } from '../stats.ts';
import { adminAgent, expect, target } from './http.ts';
import { podLife, podObject, podStatus } from './pod.ts';
import https from 'node:https';
import type { ClientCert, Plan, PlanResult } from './load.ts';
import { openWatchStreams } from './watch-streams.ts';
import type { Pki } from '../../server/pki/index.ts';

const pki = workerData as Pki;
const agent = adminAgent(pki, 64);
const userAgents = new Map<string, https.Agent>();
/** The keep-alive agent presenting a user's certificate (one per user, made once). */
function agentFor(client: ClientCert | undefined): https.Agent {
  if (!client) return agent;
  let a = userAgents.get(client.cert);
  if (!a) userAgents.set(client.cert, (a = new https.Agent({ keepAlive: true, maxSockets: 64, ca: pki.caCert, cert: client.cert, key: client.key })));
  return a;
}
const fill = (s: string, i: number) => s.replaceAll('{i}', String(i));

async function run(plan: Plan): Promise<PlanResult> {
  switch (plan.kind) {
    case 'requests': {
      const t = target(agentFor(plan.client), plan.url);
      let bytes = 0;
      const figures = await timedRun(plan.ops, plan.concurrency, async (i) => {
        const r = await expect(t, plan.want, plan.method, fill(plan.path, i), plan.body === undefined ? undefined : fill(plan.body, i), plan.headers);
        bytes = r.body.length;
      });
      return { kind: 'requests', figures, bytes };
    }
    case 'pods': {
      // Create, then write a running pod's status, as a kubelet would.
      const t = target(agent, plan.url);
      const base = `/api/v1/namespaces/${plan.namespace}/pods`;
      const figures = await timedRun(plan.count, plan.concurrency, async (i) => {
        const created = JSON.parse((await expect(t, 201, 'POST', base, JSON.stringify(podObject(plan.namespace, plan.first + i)))).body);
        created.status = podStatus(plan.first + i);
        await expect(t, 200, 'PUT', `${base}/${created.metadata.name}/status`, JSON.stringify(created));
      });
      return { kind: 'requests', figures, bytes: 0 };
    }
    case 'pod-life': {
      const t = target(agent, plan.url);
      const base = `/api/v1/namespaces/${plan.namespace}/pods`;
      const streams = await openWatchStreams(pki, plan.url, `${base}?watch=1&resourceVersion=0`, plan.watches);
      try {
        const figures = await timedRun(plan.count, plan.concurrency, (i) => podLife(t, plan.namespace, plan.first + i));
        return { kind: 'requests', figures, bytes: 0 };
      } finally {
        streams.close();
      }
    }
    case 'fanout': {
      const t = target(agent, plan.url);
      const streams = await openWatchStreams(pki, plan.url, `/api/v1/namespaces/${plan.namespace}/configmaps?watch=1&resourceVersion=${plan.resourceVersion}`, plan.streams);
      try {
        const lat: number[] = [];
        for (let i = 0; i < plan.events; i++) {
          const all = streams.next();
          const s = performance.now();
          await expect(t, 201, 'POST', `/api/v1/namespaces/${plan.namespace}/configmaps`, fill(plan.body, i));
          await all;
          lat.push(performance.now() - s);
        }
        return { kind: 'fanout', latMs: lat, openMs: streams.openMs };
      } finally {
        streams.close();
      }
    }
  }
}

parentPort!.on('message', (m: { id: number; plan: Plan }) => {
  run(m.plan).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: Error) => parentPort!.postMessage({ id: m.id, error: e.stack ?? String(e) }),
  );
});
parentPort!.postMessage({ ready: true });
