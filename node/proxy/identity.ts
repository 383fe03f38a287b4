// The identity the node's networking (proxy, cluster DNS, NetworkPolicy) talks to the API
// with. A node that joined runs as system:node:<name>, which may not list EndpointSlices,
// Namespaces or NetworkPolicies (the Node authorizer and system:node role are upstream's);
// upstream's kube-proxy has an identity of its own, system:kube-proxy with the
// system:node-proxier role. So the agent asks, with the node's credentials, for a
// `system:kube-proxy` client certificate (kube-apiserver-client signer, which csrapproving
// approves for nodes: server/controllers/certificates), keeps it in DATA_DIR/pki/ and reuses
// it while valid. Any other identity (an admin kubeconfig, `kubets all`) is used as it is.

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type RestConfig } from '../../client/rest.ts';
import type { Client, Log } from '../../client/types.ts';
import { requestCertificate } from '../bootstrap/certificate.ts';
import { stillValid } from '../bootstrap/index.ts';

export const KUBE_PROXY_USER = 'system:kube-proxy';
export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

/** The common name of a client certificate, if the config has one. */
function certUser(config: RestConfig): string | undefined {
  try {
    return config.cert ? /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(config.cert).subject)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client for the node's networking: `nodeClient` unless the node runs as
 * system:node:<name> with a client certificate, then one as system:kube-proxy.
 */
export async function networkingClient(o: { nodeClient: Client; config?: RestConfig; dataDir?: string; nodeName: string; log: Log; timeoutMs?: number }): Promise<Client> {
  if (!o.config || !o.dataDir || !certUser(o.config)?.startsWith('system:node:')) return o.nodeClient;
  const dir = join(o.dataDir, 'pki');
  const certPath = join(dir, 'kube-proxy.crt');
  const keyPath = join(dir, 'kube-proxy.key');
  const ca = o.config.ca?.toString();
  let cert = await readFile(certPath, 'utf8').catch(() => '');
  let key = await readFile(keyPath, 'utf8').catch(() => '');
  if (!cert || !key || !stillValid(cert, Date.now(), ca)) {
    const issued = await requestCertificate(o.nodeClient, {
      signerName: CLIENT_SIGNER,
      commonName: KUBE_PROXY_USER,
      organizations: [],
      usages: ['digital signature', 'key encipherment', 'client auth'],
      generateName: `kube-proxy-${o.nodeName}-`,
    }, { timeoutMs: o.timeoutMs ?? 60_000 });
    ({ cert, key } = issued);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(`${keyPath}.tmp`, key, { mode: 0o600 });
    await rename(`${keyPath}.tmp`, keyPath);
    await writeFile(certPath, cert);
    o.log.info('networking runs as system:kube-proxy', { csr: issued.csrName });
  }
  return createClient({ ...o.config, cert, key, userAgent: `kubets-proxy/${o.nodeName}` });
}
