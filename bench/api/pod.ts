// A realistic Pod for list benchmarks: what a Deployment's pod looks like once it is running
// (labels, annotations, an owner, one container with env, ports, resources and mounts,
// tolerations; status with conditions, IPs and a container status). About 2-3 KB stored.

import { expect, type Target } from './http.ts';

export function podObject(namespace: string, i: number): Record<string, unknown> {
  const hash = (0x5f3a9c + i * 7919).toString(16).padStart(8, '0').slice(-8);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${hash}-${String(i).padStart(5, '0')}`,
      namespace,
      labels: { app: 'web', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': hash, tier: i % 2 ? 'frontend' : 'backend' },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, uid: `3c1d9a2e-0b7f-4e55-8a61-${hash}0000`, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.24.3',
          imagePullPolicy: 'IfNotPresent',
          args: ['--listen=:8080', '--metrics=:9090', '--log-level=info'],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
            { name: 'DATABASE_URL', value: 'postgres://db.shop.svc.cluster.local:5432/shop' },
            { name: 'CACHE_TTL_SECONDS', value: '300' },
          ],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/web', readOnly: true },
            { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
          ],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
        { name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeName: `node-${i % 50}`,
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
    },
  };
}

export function podStatus(i: number): Record<string, unknown> {
  const t = '2024-05-01T10:00:00Z';
  const ip = `10.244.${(i >> 8) & 255}.${i & 255}`;
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t })),
    hostIP: `192.168.1.${i % 50}`,
    hostIPs: [{ ip: `192.168.1.${i % 50}` }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: t,
    qosClass: 'Burstable',
    containerStatuses: [
      {
        name: 'web',
        state: { running: { startedAt: t } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: 'registry.example.com/shop/web:1.24.3',
        imageID: 'registry.example.com/shop/web@sha256:4f1c0e2b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b',
        containerID: `containerd://${(i * 2654435761).toString(16).padStart(16, '0')}a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718`,
        started: true,
      },
    ],
  };
}

const CONTROLLER_MANAGER = { 'User-Agent': 'kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/bench/system:serviceaccount:kube-system:replicaset-controller' };
const SCHEDULER = { 'User-Agent': 'kube-scheduler/v1.32.0 (linux/amd64) kubernetes/bench/scheduler' };
const KUBELET = { 'User-Agent': 'kubelet/v1.32.0 (linux/amd64) kubernetes/bench' };

/** One pod's writes from creation to Running, as the bench/scheduling cluster makes them. */
export async function podLife(t: Target, namespace: string, i: number): Promise<void> {
  const pod = podObject(namespace, i) as { metadata: { name: string }; spec: Record<string, unknown> };
  delete pod.spec.nodeName;
  const base = `/api/v1/namespaces/${namespace}/pods`;
  const name = pod.metadata.name;
  const created = JSON.parse((await expect(t, 201, 'POST', base, JSON.stringify(pod), CONTROLLER_MANAGER)).body) as { metadata: { uid: string } };
  const node = `node-${i % 50}`;
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: created.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
  await expect(t, 201, 'POST', `${base}/${name}/binding`, JSON.stringify(binding), SCHEDULER);
  const now = '2024-05-01T10:00:00Z';
  const event = {
    apiVersion: 'v1', kind: 'Event', metadata: { name: `${name}.17c0a1b2c3d4e5f6`, namespace },
    involvedObject: { kind: 'Pod', namespace, name, uid: created.metadata.uid, apiVersion: 'v1' },
    reason: 'Scheduled', message: `Successfully assigned ${namespace}/${name} to ${node}`, source: { component: 'default-scheduler' },
    firstTimestamp: now, lastTimestamp: now, count: 1, type: 'Normal', reportingComponent: 'default-scheduler', reportingInstance: '',
  };
  await expect(t, 201, 'POST', `/api/v1/namespaces/${namespace}/events`, JSON.stringify(event), SCHEDULER);
  const status = { metadata: { uid: created.metadata.uid }, status: podStatus(i) };
  await expect(t, 200, 'PATCH', `${base}/${name}/status`, JSON.stringify(status), { ...KUBELET, 'Content-Type': 'application/strategic-merge-patch+json' });
}
