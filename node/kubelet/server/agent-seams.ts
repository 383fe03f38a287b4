// What `kubets agent` plugs into runAgent's seams from this side: the join (bootstrap token
// -> node client certificate) and the kubelet's HTTPS server (serving certificate from the
// kubelet-serving signer, port 10250, or any free port when that one is taken: the Node's
// daemonEndpoints says which).

import type { AgentOptions, KubeletServerDeps } from '../../agent.ts';
import { ensureServingCertificate, joinCluster } from '../../bootstrap/index.ts';
import { DEFAULT_PORT, startKubeletServer } from './index.ts';

const SERVING_CERT_TIMEOUT_MS = 60_000;

async function serve(d: KubeletServerDeps) {
  const caPem = d.config.ca?.toString();
  if (!caPem) throw new Error('the kubelet server needs the cluster CA (certificate-authority-data in the kubeconfig)');
  const serving = await ensureServingCertificate(d.config, d.nodeName, [d.nodeName, d.hostIP], d.dataDir, SERVING_CERT_TIMEOUT_MS);
  const base = { ...d, caPem, serving, addresses: [d.nodeName, d.hostIP] };
  try {
    return await startKubeletServer({ ...base, port: DEFAULT_PORT });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    d.log.info('port 10250 is taken; the kubelet server takes a free port', { node: d.nodeName });
    return startKubeletServer({ ...base, port: 0 });
  }
}

export function agentSeams(): Pick<AgentOptions, 'bootstrap' | 'startKubeletServer'> {
  return {
    bootstrap: async (o) => {
      const creds = await joinCluster({ server: o.server, token: o.token, nodeName: o.nodeName, dataDir: o.dataDir });
      o.log.info(creds.reused ? 'reusing the node credentials of an earlier join' : 'joined the cluster', { node: o.nodeName, kubeconfig: creds.kubeconfigPath });
      return creds.config;
    },
    startKubeletServer: serve,
  };
}
