// The PKI of an embedded kubets, made in memory (never written to disk). ASN.1 in JavaScript
// makes each certificate cost tens of milliseconds, so the certificates are made once per
// process: the CA, the serving certificate (127.0.0.1, ::1, localhost) and the admin client
// certificate are shared by every in-memory instance of the process. Each instance gets its
// own service-account signing key (a WebCrypto key pair, about a millisecond), so a token one
// instance issued is worthless to another. Keys are ECDSA P-256 (certs.ts).

import { generateCa, generateKeyPair, generateLeaf, type CertAndKey } from '../server/pki/certs.ts';
import { ADMIN_GROUP, ADMIN_USER, CLOUD_CONTROLLER_MANAGER_USER, CONTROLLER_MANAGER_USER, FRONT_PROXY_CLIENT, SCHEDULER_USER, assemblePki, servingSans, type ClusterCerts, type Pki } from '../server/pki/index.ts';

let shared: Promise<ClusterCerts> | undefined;

function sharedCerts(): Promise<ClusterCerts> {
  shared ??= (async () => {
    const [ca, frontProxyCa] = await Promise.all([generateCa(`kubets-embedded-ca@${Math.floor(Date.now() / 1000)}`), generateCa('kubets-embedded-front-proxy-ca')]);
    const [serving, admin, controllerManager, scheduler, cloudControllerManager, frontProxyClient] = await Promise.all([
      generateLeaf(ca, { commonName: 'kube-apiserver', sans: servingSans({ hostname: 'localhost' }), usage: 'server' }),
      generateLeaf(ca, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], usage: 'client' }),
      generateLeaf(ca, { commonName: CONTROLLER_MANAGER_USER, usage: 'client' }),
      generateLeaf(ca, { commonName: SCHEDULER_USER, usage: 'client' }),
      generateLeaf(ca, { commonName: CLOUD_CONTROLLER_MANAGER_USER, usage: 'client' }),
      generateLeaf(frontProxyCa, { commonName: FRONT_PROXY_CLIENT, usage: 'client' }),
    ]);
    return { ca, serving, admin, controllerManager, scheduler, cloudControllerManager, frontProxyCa, frontProxyClient };
  })();
  // A failure is not cached: the next start tries again.
  shared.catch(() => (shared = undefined));
  return shared;
}

/** An instance's PKI: the process's certificates and a service-account key of its own. */
export async function memoryPki(): Promise<Pki> {
  const [certs, sa] = await Promise.all([sharedCerts(), generateKeyPair()]);
  return assemblePki('', certs, sa);
}

/** A client certificate for `user` in `groups`, signed by the instance's CA. */
export function userCertificate(pki: Pki, user: string, groups: string[] = []): Promise<CertAndKey> {
  return generateLeaf({ cert: pki.caCert, key: pki.caKey }, { commonName: user, organizations: groups, usage: 'client' });
}
