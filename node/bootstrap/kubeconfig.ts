// DATA_DIR/kubelet.kubeconfig: the node's own identity (system:node:<name>), data inlined.

import { dump } from 'js-yaml';

/** Where a join leaves it, under the agent's data dir. */
export const JOINED_KUBECONFIG = 'kubelet.kubeconfig';

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function renderNodeKubeconfig(server: string, caPem: string, certPem: string, keyPem: string): string {
  return dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [{ name: 'default-cluster', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
      users: [{ name: 'default-auth', user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
      contexts: [{ name: 'default-context', context: { cluster: 'default-cluster', user: 'default-auth' } }],
      'current-context': 'default-context',
    },
    { lineWidth: -1 },
  );
}
