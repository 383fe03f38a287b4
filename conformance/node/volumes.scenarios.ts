// Persistent volumes on a real node: a claim of the default class local-path is provisioned
// on the node the scheduler picked (a directory under the base the local-path-config
// ConfigMap names, as k3s), a pod writes to it, its replacement reads the data back, and
// deleting the claim (reclaim policy Delete) removes the volume and, through a helper pod,
// its directory.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apply, phase, podManifest } from './pods.scenarios.ts';
import type { NodeCtx, NodeScenario } from './scenario.ts';

const jsonpath = (c: NodeCtx, what: string[], jp: string) => c.ok(['get', ...what, '-o', `jsonpath=${jp}`]);

function withData(c: NodeCtx, name: string, script: string): unknown {
  return podManifest(c, name, {
    restartPolicy: 'Never',
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    containers: [{ name: 'c', image: c.image, command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
  });
}

export const volumeScenarios: NodeScenario[] = [
  {
    title: 'configMap and secret volumes follow changes to their objects within the sync period; a subPath mount keeps what it had',
    id: 'volume-refresh',
    async run(c) {
      await apply(c, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: c.ns }, data: { k: 'v1' } });
      await apply(c, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: c.ns }, stringData: { k: 's1' } });
      const script = 'while [ "$(cat /cm/k)" != v2 ] || [ "$(cat /sec/k)" != s2 ]; do sleep 1; done; echo -n "$(cat /cm/k) $(cat /sec/k) $(cat /sub) $(readlink /cm/k)" > /dev/termination-log';
      await apply(c, podManifest(c, 'watcher', {
        restartPolicy: 'Never',
        volumes: [{ name: 'cm', configMap: { name: 'conf' } }, { name: 'sec', secret: { secretName: 'sec' } }],
        containers: [{ name: 'c', image: c.image, command: ['sh', '-c', script], volumeMounts: [{ name: 'cm', mountPath: '/cm' }, { name: 'sec', mountPath: '/sec' }, { name: 'cm', mountPath: '/sub', subPath: 'k' }] }],
      }));
      await phase(c, 'watcher', 'Running');
      await c.ok(['patch', 'configmap', 'conf', '-p', '{"data":{"k":"v2"}}']);
      await c.ok(['patch', 'secret', 'sec', '-p', '{"stringData":{"k":"s2"}}']);
      // The suite's agent syncs every 2 s (upstream's default: 1 min).
      const s = await phase(c, 'watcher', 'Succeeded', 30_000);
      c.t.is(s.state.terminated?.message, 'v2 s2 v1 ..data/k');
    },
  },
  {
    title: 'emptyDir medium Memory is a tmpfs sized by sizeLimit, else by the pod memory limit, and is unmounted with the pod',
    id: 'memory-emptydir',
    async run(c) {
      const script = 'grep -E " /(small|big) " /proc/mounts > /dev/termination-log; echo x > /small/f && cat /small/f >> /dev/termination-log';
      await apply(c, podManifest(c, 'mem', {
        restartPolicy: 'Never',
        volumes: [{ name: 'small', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }, { name: 'big', emptyDir: { medium: 'Memory' } }],
        containers: [{ name: 'c', image: c.image, command: ['sh', '-c', script], resources: { limits: { memory: '48Mi' } }, volumeMounts: [{ name: 'small', mountPath: '/small' }, { name: 'big', mountPath: '/big' }] }],
      }));
      const s = await phase(c, 'mem', 'Succeeded');
      const lines = (s.state.terminated?.message ?? '').split('\n');
      c.t.regex(lines.find((l) => l.includes(' /small ')) ?? '', /^tmpfs \/small tmpfs .*size=16384k/);
      c.t.regex(lines.find((l) => l.includes(' /big ')) ?? '', /^tmpfs \/big tmpfs .*size=49152k/);
      c.t.true(lines.includes('x'), 'the container writes to it');
      const uid = await jsonpath(c, ['pod', 'mem'], '{.metadata.uid}');
      const podDir = join(c.agentDir, 'pods', uid);
      const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(`${podDir}/`));
      c.t.is(mounted().length, 2, 'two tmpfs mounts on the node while the pod exists');
      await c.ok(['delete', 'pod', 'mem']);
      // A finished pod is deleted at once; the node cleans up after it, soon.
      await c.waitFor('the tmpfs mounts gone', async () => (mounted().length === 0 && !existsSync(podDir) ? true : undefined), 20_000);
    },
  },
  {
    title: 'a local-path claim keeps what one pod wrote for the next; deleting the claim removes the volume and its directory',
    id: 'local-path',
    timeoutMs: 180_000,
    async run(c) {
      const base = join(c.agentDir, 'storage');
      const helperPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'helper-pod' }, spec: { containers: [{ name: 'helper-pod', image: c.image }] } };
      await c.ok(['apply', '-n', 'kube-system', '-f', '-'], {
        stdin: JSON.stringify({
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-path-config', namespace: 'kube-system' },
          data: { 'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [base] }] }), 'helperPod.yaml': JSON.stringify(helperPod) },
        }),
      });
      await apply(c, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: c.ns }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } });
      c.t.is(await jsonpath(c, ['pvc', 'data'], '{.status.phase}'), 'Pending');
      await apply(c, withData(c, 'writer', 'echo -n kept-across-pods > /data/file'));
      await phase(c, 'writer', 'Succeeded');
      c.t.is(await jsonpath(c, ['pvc', 'data'], '{.status.phase}'), 'Bound');
      c.t.is(await jsonpath(c, ['pvc', 'data'], '{.spec.storageClassName}'), 'local-path');
      const pv = await jsonpath(c, ['pvc', 'data'], '{.spec.volumeName}');
      const dir = await jsonpath(c, ['pv', pv], '{.spec.hostPath.path}');
      c.t.is(dir, join(base, `${pv}_${c.ns}_data`));
      c.t.is(await jsonpath(c, ['pv', pv], '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'), c.node);
      c.t.is(readFileSync(join(dir, 'file'), 'utf8'), 'kept-across-pods');
      await c.ok(['delete', 'pod', 'writer']);
      await apply(c, withData(c, 'reader', 'cat /data/file > /dev/termination-log'));
      const s = await phase(c, 'reader', 'Succeeded');
      c.t.is(s.state.terminated?.message, 'kept-across-pods');
      await c.ok(['delete', 'pod', 'reader']);
      await c.ok(['delete', 'pvc', 'data', '--wait=false']);
      await c.waitFor(`volume ${pv} deleted`, async () => ((await c.run(['get', 'pv', pv])).code !== 0 ? true : undefined), 120_000);
      c.t.true(!existsSync(dir), `${dir} removed by the helper pod`);
    },
  },
];
