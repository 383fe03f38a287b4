// What `kubets agent` plugs into runAgent's seams from this side: the join (bootstrap token
// -> node client certificate) and the kubelet's HTTPS server (serving certificate from the
// kubelet-serving signer, port 10250, or any free port when that one is taken: the Node's
// daemonEndpoints says which).

import type { AgentOptions, KubeletServerDeps } from '../../agent.ts';
import { ensureServingCertificate, joinCluster } from '../../bootstrap/index.ts';
import { createClient } from '../../../client/rest.ts';
import { apiserverAuthBackend } from './auth.ts';
import { DEFAULT_PORT, startKubeletServer } from './index.ts';

const SERVING_CERT_TIMEOUT_MS = 60_000;

async function serve(d: KubeletServerDeps) {
  const caPem = d.config.ca?.toString();
  if (!caPem) throw new Error('the kubelet server needs the cluster CA (certificate-authority-data in the kubeconfig)');
  const serving = await ensureServingCertificate(d.config, d.nodeName, [d.nodeName, d.hostIP], d.dataDir, SERVING_CERT_TIMEOUT_MS);
  // Its own client: the reviews must not wait behind the kubelet's rate limit.
  const client = createClient({ ...d.config, userAgent: `kubets-agent/${d.nodeName}/auth` });
  const base = { ...d, caPem, serving, addresses: [d.nodeName, d.hostIP], auth: apiserverAuthBackend(client) };
  const started = await startKubeletServer({ ...base, port: DEFAULT_PORT }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE') {
      client.close();
      throw e;
    }
    d.log.info('port 10250 is taken; the kubelet server takes a free port', { node: d.nodeName });
    return startKubeletServer({ ...base, port: 0 });
  });
  return {
    port: started.port,
    async close() {
      await started.close();
      client.close();
    },
  };
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
