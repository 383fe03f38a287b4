// What one call costs client/rest.ts's client in CPU, without an apiserver: POSTs of a pod to a
// bare Node HTTPS server in a child process (../api/bare-https.ts: kubets' TLS options, a canned
// answer: a real bound and Running pod with its managedFields, ~4.6 KB), IN_FLIGHT at once, as
// the control plane's and the sim's clients make them. Prints this process's CPU microseconds per
// call (user + system: the client, its TLS and its sockets), per round.
//   node --import=tsx bench/scheduling/client-calls-micro.ts [CALLS] [ROUNDS] [REST_MODULE]
// REST_MODULE (default ../../client/rest.ts) lets two trees' clients run back to back.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePki } from '../../server/pki/index.ts';
import type { createClient as CreateClient } from '../../client/rest.ts';
import type { KubeObject } from '../../api/types.ts';

const IN_FLIGHT = 256;
const [calls = '20000', rounds = '3', restModule = '../../client/rest.ts'] = process.argv.slice(2);
const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

const now = '2026-12-07T23:00:00Z';
const managed = (manager: string, fields: unknown) => ({ manager, operation: 'Update', apiVersion: 'v1', time: now, fieldsType: 'FieldsV1', fieldsV1: fields });
const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
/** A bench pod as the sim's status patch gets it back. */
const answer = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    name: 'bench-1-5d8f7c9b6d-abcde', generateName: 'bench-1-5d8f7c9b6d-', namespace: 'bench', uid: '0d2b5d4e-9a51-4c1e-b0a4-7f7a6c1b1d2e', resourceVersion: '123456', creationTimestamp: now,
    labels: { app: 'bench-1', 'pod-template-hash': '5d8f7c9b6d' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'bench-1-5d8f7c9b6d', uid: '7e357307-cb71-4f77-8452-37dd5e6e6fe8', controller: true, blockOwnerDeletion: true }],
    managedFields: [
      managed('kube-controller-manager', { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"7e357307-cb71-4f77-8452-37dd5e6e6fe8"}': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"pause"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': { '.': {}, 'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} } }, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {} } }, 'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {} } }),
      managed('kubelet', { 'f:status': { 'f:conditions': Object.fromEntries(['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'Ready'].map((t) => [`k:{"type":"${t}"}`, { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} }])), 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:hostIPs': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"10.244.7.2"}': { '.': {}, 'f:ip': {} } }, 'f:startTime': {} } }),
    ],
  },
  spec: {
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
    restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', serviceAccount: 'default', nodeName: 'sim-node-7', securityContext: {}, schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
  },
  status: {
    phase: 'Running', conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond), hostIP: '10.244.7.1', hostIPs: [{ ip: '10.244.7.1' }], podIP: '10.244.7.2', podIPs: [{ ip: '10.244.7.2' }], startTime: now,
    containerStatuses: [{ name: 'pause', state: { running: { startedAt: now } }, lastState: {}, ready: true, restartCount: 0, image: 'registry.k8s.io/pause:3.9', imageID: 'sha256:0123456789abcdef', containerID: 'containerd://0123456789abcdef0123456789abcdef', started: true }],
    qosClass: 'Burstable',
  },
};

const dir = mkdtempSync(join(tmpdir(), 'kubets-client-micro-'));
const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
const canned = join(dir, 'answer.json');
writeFileSync(canned, JSON.stringify(answer));
const child = spawn(process.execPath, ['--import=tsx', resolve(import.meta.dirname, '../api/bare-https.ts'), join(dir, 'pki'), canned], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((ok) => child.stdout.once('data', (d: Buffer) => ok(Number(String(d).trim()))));
const { createClient } = (await import(restModule)) as { createClient: typeof CreateClient };
const client = createClient({ server: `https://127.0.0.1:${port}`, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, qps: 0, maxSockets: 64 });
const body = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'bench-1-5d8f7c9b6d-', labels: answer.metadata.labels, ownerReferences: answer.metadata.ownerReferences }, spec: { containers: answer.spec.containers } } as KubeObject;
try {
  for (let round = 0; round <= Number(rounds); round++) {
    const n = round === 0 ? 2000 : Number(calls);
    let next = 0;
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < n) await client.create(PODS, 'bench', body);
    }));
    const cpu = process.cpuUsage(cpu0);
    if (round > 0) console.log(`round ${round}: ${((cpu.user + cpu.system) / n).toFixed(0)} us of client CPU per call (${n} calls, load ${loadavg()[0].toFixed(1)})`);
  }
} finally {
  client.close();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
