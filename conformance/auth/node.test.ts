// A node's identity (client certificate CN=system:node:<name>, O=system:nodes): the Node
// authorizer lets it read only the Secrets, ConfigMaps and PVCs its own pods use, and
// NodeRestriction lets it write only its own Node, Lease and its pods' status.

import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateLeaf } from '../../server/pki/certs.ts';
import { useAuthCluster, type CallOptions } from './cluster.ts';

const cluster = useAuthCluster();

async function nodeCredential(name: string): Promise<{ cert: string; key: string }> {
  const c = cluster();
  const ca = { cert: c.kubets.caCert, key: await readFile(join(c.kubets.dataDir, 'pki', 'ca.key'), 'utf8') };
  return generateLeaf(ca, { commonName: `system:node:${name}`, organizations: ['system:nodes'], usage: 'client' });
}

const json = (o: unknown) => JSON.stringify(o);

test('a node reads only what its own pods use, and writes only its own Node, Lease and pod status', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  const n1 = await nodeCredential('n1');
  const as = (path: string, o: CallOptions = {}) => c.call(path, { ...n1, ...o });
  const admin = (args: string[], stdin?: string) => c.admin(tool.path, args, stdin);

  // Its own Node, not another's.
  t.is((await as('/api/v1/nodes', { method: 'POST', body: json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }) })).status, 201);
  const other = await as('/api/v1/nodes', { method: 'POST', body: json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } }) });
  t.is(other.status, 403);
  t.is(other.json().message, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
  t.is((await admin(['create', '--validate=false', '-f', '-'], json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } }))).code, 0);
  const patchOther = await as('/api/v1/nodes/n2', { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: json({ metadata: { labels: { a: 'b' } } }) });
  t.is(patchOther.status, 403);

  // Its own Lease only.
  const lease = (name: string) => json({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name } });
  t.is((await as('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { method: 'POST', body: lease('n1') })).status, 201);
  const otherLease = await as('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { method: 'POST', body: lease('n2') });
  t.is(otherLease.status, 403);
  t.regex(String(otherLease.json().message), /can only access node lease with the same name as the requesting node/);

  // Secrets and ConfigMaps: only those of pods bound to it.
  for (const [kind, name] of [['secret', 'used'], ['secret', 'unused'], ['configmap', 'used-cm']]) {
    const args = kind === 'secret' ? ['create', 'secret', 'generic', name, '--from-literal=k=v'] : ['create', 'configmap', name, '--from-literal=k=v'];
    t.is((await admin(args)).code, 0);
  }
  const pod = (name: string, node: string) => json({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      nodeName: node,
      containers: [{ name: 'c', image: 'busybox', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'used-cm', key: 'k' } } }] }],
      volumes: [{ name: 's', secret: { secretName: 'used' } }],
    },
  });
  t.is((await admin(['create', '--validate=false', '-f', '-'], pod('on-n1', 'n1'))).code, 0);
  t.is((await admin(['create', '--validate=false', '-f', '-'], pod('on-n2', 'n2'))).code, 0);
  const secret = async (name: string) => (await as(`/api/v1/namespaces/default/secrets/${name}`)).status;
  t.is(await secret('used'), 200);
  t.is((await as('/api/v1/namespaces/default/configmaps/used-cm')).status, 200);
  const unused = await as('/api/v1/namespaces/default/secrets/unused');
  t.is(unused.status, 403);
  t.is(unused.json().message, 'secrets "unused" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'n1\' and this object');
  const list = await as('/api/v1/namespaces/default/secrets');
  t.is(list.status, 403);

  // Pods: reading is allowed; status only for its own pods; no non-mirror pods.
  t.is((await as('/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')).status, 200);
  const status = (name: string) => as(`/api/v1/namespaces/default/pods/${name}/status`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: json({ status: { phase: 'Running' } }) });
  t.is((await status('on-n1')).status, 200);
  const foreignStatus = await status('on-n2');
  t.is(foreignStatus.status, 403);
  t.is(foreignStatus.json().message, 'pods "on-n2" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself');
  const plain = await as('/api/v1/namespaces/default/pods', { method: 'POST', body: pod('made-by-node', 'n1') });
  t.is(plain.status, 403);
  t.is(plain.json().message, 'pods "made-by-node" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods');

  // Once its pod is gone, so is the node's access to what the pod used.
  t.is((await admin(['delete', 'pod', 'on-n1', '--grace-period=0', '--force'])).code, 0);
  let gone = 0;
  for (let i = 0; i < 50 && gone !== 403; i++) {
    gone = await secret('used');
    if (gone !== 403) await new Promise((r) => setTimeout(r, 50));
  }
  t.is(gone, 403);

  // A token only for a service account its pods run as.
  const token = await as('/api/v1/namespaces/default/serviceaccounts/default/token', { method: 'POST', body: json({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }) });
  t.is(token.status, 403, 'no pod of n1 runs as default any more');
});
